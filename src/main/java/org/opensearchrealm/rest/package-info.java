/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * REST handlers: parse and check URL parameters and bodies (clear 400s), build the action requests, and render the
 * responses.
 *
 * <p>May import: {@code action}, {@code ingest} (the processor's defaults), {@code settings}.
 */
package org.opensearchrealm.rest;

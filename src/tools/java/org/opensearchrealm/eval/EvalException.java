/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

/** A failure with a message for the user (no stack trace). */
final class EvalException extends RuntimeException {
    EvalException(String message) {
        super(message);
    }
}

/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.stub;

import org.opensearch.plugins.ExtensiblePlugin;
import org.opensearch.plugins.Plugin;

/**
 * An empty plugin named {@code rule-framework}: the security plugin 3.4.0.0 declares that it extends one, which is not
 * published on Maven Central, and installs only when a plugin of that name is present. Nothing here is called; the
 * security tests (integ-test/security-test.sh) need none of the rule framework's features.
 */
public class RuleFrameworkStub extends Plugin implements ExtensiblePlugin {}

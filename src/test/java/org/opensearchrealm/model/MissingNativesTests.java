/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.apache.lucene.tests.util.LuceneTestCase;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.test.OpenSearchTestCase;

import java.nio.file.Path;

import static org.hamcrest.Matchers.containsString;

/**
 * A plugin home without its native libraries (a broken install): every model fails with a ModelException naming the
 * native directory; the UnsatisfiedLinkErrors, AssertionErrors and NoClassDefFoundErrors DJL throws never escape.
 * Runs in its own JVM (Surefire forks one per test class), since the native configuration is process-wide.
 */
@LuceneTestCase.SuppressFileSystems("*")
public class MissingNativesTests extends OpenSearchTestCase {

    public void testModelsFailCleanlyWithoutNatives() {
        Path home = createTempDir();
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-onnx", "tiny-pt");
        try (ModelRegistry registry = ModelTestSupport.registry(home, config, createTempDir(), Settings.EMPTY, 0)) {
            assertEquals(home.toAbsolutePath().normalize(), NativeLibraries.home());
            for (String id : new String[] { "tiny-onnx", "tiny-pt" }) {
                // twice: the second attempt meets DJL's half-initialised classes (NoClassDefFoundError and the like)
                for (int attempt = 0; attempt < 2; attempt++) {
                    ModelException e = expectThrows(ModelException.class, () -> registry.encoder(id));
                    assertEquals(RestStatus.INTERNAL_SERVER_ERROR, e.status());
                    assertThat(e.getMessage(), containsString("model [" + id + "]"));
                    assertThat(e.getMessage(), containsString(home.toAbsolutePath().normalize().resolve("native").toString()));
                }
            }
            assertEquals(16, registry.descriptor("tiny-onnx").encoder().dimension());
        }
    }
}

/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import org.apache.lucene.tests.util.LuceneTestCase;
import org.opensearch.common.settings.Settings;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.model.ModelRegistry;
import org.opensearchrealm.model.ModelTestSupport;

import java.nio.file.Path;
import java.util.List;

/**
 * The reader tests' fixtures: the tiny QA models of src/test/resources/models/make_fixtures.py, installed as operator
 * models of a registry that is closed after each test.
 */
@LuceneTestCase.SuppressFileSystems("*")
public abstract class ReaderFixtureTestCase extends OpenSearchTestCase {

    static final List<String> QA = List.of("tiny-qa-onnx", "tiny-qa-pt", "tiny-qa-pick");

    /** The test's registry, closed after it. */
    ModelRegistry registry;

    @Override
    public void tearDown() throws Exception {
        if (registry != null) {
            registry.close();
        }
        super.tearDown();
    }

    ModelRegistry registry(String... ids) {
        return registry(Settings.EMPTY, ids);
    }

    ModelRegistry registry(Settings settings, String... ids) {
        return registry(ModelTestSupport.installFixtures(createTempDir(), ids), settings);
    }

    /** Over a config directory the test prepared (fixtures with some of their files changed). */
    ModelRegistry registry(Path configDir, Settings settings) {
        registry = ReadTestSupport.registry(configDir, settings);
        return registry;
    }
}

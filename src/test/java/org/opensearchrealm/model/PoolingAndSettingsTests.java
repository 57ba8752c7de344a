/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.util.concurrent.OpenSearchExecutors;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearch.threadpool.ExecutorBuilder;
import org.opensearchrealm.settings.ModelSettings;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Plain-Java pooling, the settings and the executor builder. */
public class PoolingAndSettingsTests extends OpenSearchTestCase {

    public void testMeanPoolUsesTheMask() {
        // batch of 2, 3 tokens, dimension 2
        float[] hidden = { 1, 2, 3, 4, 100, 100, /* row 1 */ 5, 6, 7, 8, 9, 10 };
        long[] mask = { 1, 1, 0, 1, 1, 1 };
        assertArrayEquals(new float[] { 2, 3 }, BaseEncoder.meanPool(hidden, 0, 3, 2, mask), 0f);
        assertArrayEquals(new float[] { 7, 8 }, BaseEncoder.meanPool(hidden, 1, 3, 2, mask), 0f);
        assertArrayEquals(new float[] { 0, 0 }, BaseEncoder.meanPool(hidden, 0, 3, 2, new long[6]), 0f);
    }

    public void testNormalize() {
        float[] v = { 3, 4 };
        BaseEncoder.normalize(v);
        assertArrayEquals(new float[] { 0.6f, 0.8f }, v, 1e-7f);
        float[] zero = { 0, 0, 0 };
        BaseEncoder.normalize(zero);
        assertArrayEquals(new float[3], zero, 0f);
    }

    public void testCodePointMap() {
        assertNull(TextTokenizer.codePointToUtf16("plain ascii é 中"));
        int[] map = TextTokenizer.codePointToUtf16("a😀b");
        assertArrayEquals(new int[] { 0, 1, 3, 4 }, map);
    }

    public void testSettings() {
        List<Setting<?>> settings = ModelSettings.settings();
        assertTrue(settings.contains(ModelSettings.INTRA_OP_THREADS));
        assertEquals(Integer.valueOf(1), ModelSettings.INTRA_OP_THREADS.get(Settings.EMPTY));
        assertTrue(ModelSettings.INTRA_OP_THREADS.hasNodeScope());
        assertEquals(Integer.valueOf(4), ModelSettings.INTRA_OP_THREADS.get(Settings.builder().put("plugins.realm.model.intra_op_threads", 4).build()));
        IllegalArgumentException e = expectThrows(
            IllegalArgumentException.class,
            () -> ModelSettings.INTRA_OP_THREADS.get(Settings.builder().put("plugins.realm.model.intra_op_threads", 0).build())
        );
        assertTrue(e.getMessage(), e.getMessage().contains("must be >= 1"));
        assertEquals(Integer.valueOf(1), ModelSettings.MAX_BATCH_SIZE.get(Settings.EMPTY));
    }

    public void testExecutorBuilders() {
        List<String> keys = Arrays.stream(InferenceThreadPool.executorBuilders(Settings.EMPTY))
            .flatMap(b -> b.getRegisteredSettings().stream())
            .map(Setting::getKey)
            .sorted()
            .collect(Collectors.toList());
        assertEquals(
            List.of(
                "thread_pool.realm_inference.queue_size",
                "thread_pool.realm_inference.size",
                "thread_pool.realm_query.queue_size",
                "thread_pool.realm_query.size"
            ),
            keys
        );
        Settings settings = Settings.builder().put(OpenSearchExecutors.NODE_PROCESSORS_SETTING.getKey(), 1).build();
        assertEquals(1, InferenceThreadPool.defaultSize(settings));
        assertEquals(3, sizeSetting(0).get(Settings.builder().put("thread_pool.realm_inference.size", 3).build()));
        assertEquals("one query lane thread by default", 1, sizeSetting(1).get(Settings.EMPTY));
    }

    private static Setting<?> sizeSetting(int pool) {
        ExecutorBuilder<?> builder = InferenceThreadPool.executorBuilders(Settings.EMPTY)[pool];
        return builder.getRegisteredSettings().stream().filter(s -> s.getKey().endsWith(".size")).findFirst().orElseThrow();
    }
}

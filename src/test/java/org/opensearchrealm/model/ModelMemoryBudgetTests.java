/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.unit.ByteSizeValue;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.test.OpenSearchTestCase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The memory budget of a registry over two tiny fixture models: a load over it is refused, the rest works on. */
public class ModelMemoryBudgetTests extends OpenSearchTestCase {

    public void testEstimateIsTwiceTheSizeOfTheModelFiles() throws Exception {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-onnx");
        try (ModelRegistry models = ModelTestSupport.registry(config)) {
            ModelDescriptor d = models.descriptor("tiny-onnx");
            long files = 2 * (Files.size(d.file("model")) + Files.size(d.file("tokenizer")));
            assertEquals(files, ModelRegistry.memoryEstimate(d));
            assertEquals(List.of(), models.loadedModels());
            models.encoder("tiny-onnx");
            List<LoadedModel> loaded = models.loadedModels();
            assertEquals(1, loaded.size());
            assertEquals("tiny-onnx", loaded.get(0).id());
            assertEquals("embedding", loaded.get(0).task());
            assertEquals("onnx", loaded.get(0).format());
            assertEquals(files, loaded.get(0).memoryBytes());
            assertEquals(files, models.memoryUsedBytes());
            assertEquals("no budget by default", -1, models.memoryBudgetBytes());
        }
    }

    public void testLoadOverTheBudgetIsRefusedAndOtherModelsKeepWorking() throws Exception {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-onnx", "tiny-pt");
        long oneMinute = 60_000_000_000L; // failed loads are remembered: a refusal must not be
        try (
            ModelRegistry models = ModelTestSupport.registry(ModelTestSupport.pluginHome(), config, ModelTestSupport.cacheDir(), Settings.EMPTY, oneMinute)
        ) {
            long onnx = ModelRegistry.memoryEstimate(models.descriptor("tiny-onnx"));
            long pt = ModelRegistry.memoryEstimate(models.descriptor("tiny-pt"));
            models.setMemoryBudget(new ByteSizeValue(onnx + pt - 1));
            float[][] before = models.encoder("tiny-onnx").embed(List.of("a test"), Encoder.TextKind.QUERY);

            ModelException e = expectThrows(ModelException.class, () -> models.encoder("tiny-pt"));
            assertEquals(RestStatus.TOO_MANY_REQUESTS, e.status());
            assertTrue(e.getMessage(), e.getMessage().contains("[tiny-pt]") && e.getMessage().contains("plugins.realm.model.memory_budget"));
            assertFalse(models.isLoaded("tiny-pt"));
            assertEquals("the refused model reserved nothing", onnx, models.memoryUsedBytes());
            assertArrayEquals(before[0], models.encoder("tiny-onnx").embed(List.of("a test"), Encoder.TextKind.QUERY)[0], 0f);

            models.setMemoryBudget(new ByteSizeValue(onnx + pt));
            models.encoder("tiny-pt"); // loads at once: the refusal was not remembered as a failure
            assertEquals(onnx + pt, models.memoryUsedBytes());

            models.setMemoryBudget(new ByteSizeValue(0));
            assertTrue("lowering the budget unloads nothing", models.isLoaded("tiny-onnx") && models.isLoaded("tiny-pt"));
            assertEquals(2, models.loadedModels().size());
        }
    }

    public void testReservationsAddUpUntilTheLimit() throws Exception {
        ModelMemoryBudget budget = new ModelMemoryBudget(100);
        budget.reserve("a", 60);
        expectThrows(ModelException.class, () -> budget.reserve("b", 41));
        budget.reserve("b", 40);
        assertEquals(100, budget.reservedBytes());
        budget.release(60);
        budget.reserve("c", 60);
        assertEquals(100, budget.reservedBytes());
    }
}

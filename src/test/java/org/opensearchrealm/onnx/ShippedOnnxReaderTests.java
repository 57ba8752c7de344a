/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.onnx;

import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.model.ModelDescriptor;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Each committed int8 reader is what the export command makes of the committed reader it comes from, byte for byte:
 * exporting {@code models/<reader>} again gives the file whose SHA-256 {@code models/<reader>-int8} declares, with the
 * same windows and no-answer threshold.
 */
public class ShippedOnnxReaderTests extends OpenSearchTestCase {

    public void testTheShippedMiniLmInt8ReaderIsTheExportOfTheShippedReader() throws Exception {
        assertIsTheInt8ExportOf("realm-reader-minilm");
    }

    public void testTheShippedBgeSmallInt8ReaderIsTheExportOfTheShippedReader() throws Exception {
        assertIsTheInt8ExportOf("realm-reader-bge-small");
    }

    private void assertIsTheInt8ExportOf(String sourceId) throws Exception {
        String int8Id = sourceId + "-int8";
        Path models = Path.of(System.getProperty("user.dir")).resolve("models");
        ModelDescriptor shipped = ModelDescriptor.load(models.resolve(int8Id).resolve(ModelDescriptor.FILE_NAME));
        ModelDescriptor source = ModelDescriptor.load(models.resolve(sourceId).resolve(ModelDescriptor.FILE_NAME));
        Path out = createTempDir().resolve(int8Id);
        ModelDescriptor exported = ExportReaderOnnx.export(
            models.resolve(sourceId),
            out,
            BertQaOnnx.Precision.INT8,
            ExportReaderOnnx.INT8_KEEP_FP32,
            int8Id
        );
        assertEquals(shipped.sha256(), exported.sha256());
        assertEquals(shipped.format(), ModelDescriptor.Format.ONNX);
        assertEquals(source.maxTokens(), exported.maxTokens());
        assertEquals(source.reader().docStride(), exported.reader().docStride());
        assertEquals(source.reader().maxQuestionTokens(), exported.reader().maxQuestionTokens());
        assertEquals(source.reader().noAnswerThreshold(), shipped.reader().noAnswerThreshold(), 0.0);
        assertEquals(Files.readString(models.resolve(int8Id).resolve(ModelDescriptor.FILE_NAME)), Files.readString(out.resolve(ModelDescriptor.FILE_NAME)));
    }
}

/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.onnx;

import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.model.ModelDescriptor;
import org.opensearchrealm.settings.RealmSettings;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The committed int8 reader is what the export command makes of the committed fp32 reader, byte for byte: exporting
 * {@code models/realm-reader-minilm} again gives the file whose SHA-256 {@code models/realm-reader-minilm-int8}
 * declares, with the same windows and no-answer threshold.
 */
public class ShippedOnnxReaderTests extends OpenSearchTestCase {

    public void testTheShippedInt8ReaderIsTheExportOfTheShippedReader() throws Exception {
        Path models = Path.of(System.getProperty("user.dir")).resolve("models");
        ModelDescriptor shipped = ModelDescriptor.load(models.resolve(RealmSettings.DEFAULT_READER).resolve(ModelDescriptor.FILE_NAME));
        ModelDescriptor source = ModelDescriptor.load(models.resolve("realm-reader-minilm").resolve(ModelDescriptor.FILE_NAME));
        Path out = createTempDir().resolve(RealmSettings.DEFAULT_READER);
        ModelDescriptor exported = ExportReaderOnnx.export(
            models.resolve("realm-reader-minilm"),
            out,
            BertQaOnnx.Precision.INT8,
            ExportReaderOnnx.INT8_KEEP_FP32,
            RealmSettings.DEFAULT_READER
        );
        assertEquals(shipped.sha256(), exported.sha256());
        assertEquals(shipped.format(), ModelDescriptor.Format.ONNX);
        assertEquals(source.maxTokens(), exported.maxTokens());
        assertEquals(source.reader().docStride(), exported.reader().docStride());
        assertEquals(source.reader().maxQuestionTokens(), exported.reader().maxQuestionTokens());
        assertEquals(source.reader().noAnswerThreshold(), shipped.reader().noAnswerThreshold(), 0.0);
        assertEquals(Files.readString(models.resolve(RealmSettings.DEFAULT_READER).resolve(ModelDescriptor.FILE_NAME)),
            Files.readString(out.resolve(ModelDescriptor.FILE_NAME)));
    }
}

/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.apache.lucene.tests.util.LuceneTestCase;
import org.opensearch.test.OpenSearchTestCase;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipFile;

/**
 * What the model runtime needs from the staged plugin layout (the build's staging directory is what the zip holds):
 * the native libraries where {@link NativeLibraries} points DJL, and the platform files DJL looks up on the class path.
 */
@LuceneTestCase.SuppressFileSystems("*")
public class StagedNativesTests extends OpenSearchTestCase {

    public void testNativeLibrariesAreStaged() {
        Path natives = ModelTestSupport.pluginHome().resolve("native");
        for (String lib : new String[] {
            "pytorch/libtorch.so",
            "pytorch/libtorch_cpu.so",
            "pytorch/libc10.so",
            "pytorch/libdjl_torch.so",
            "onnxruntime/libonnxruntime.so",
            "onnxruntime/libonnxruntime4j_jni.so",
            "tokenizers/libtokenizers.so" }) {
            assertTrue("missing native library " + natives.resolve(lib), Files.isRegularFile(natives.resolve(lib)));
        }
    }

    /** DJL's Platform.detectPlatform("pytorch") reads native/lib/pytorch.properties through the context class loader. */
    public void testPyTorchPlatformFileIsOnTheClassPath() {
        assertNotNull(getClass().getClassLoader().getResource("native/lib/pytorch.properties"));
    }

    /**
     * The tokenizers jar is repackaged without its natives; it must keep native/lib/tokenizers.properties, or the
     * tokenizer's native loader fails with "AssertionError: No tokenizers version found in property file" in a node.
     */
    public void testStrippedTokenizersJarKeepsItsPlatformFile() throws Exception {
        Path lib = ModelTestSupport.pluginHome().resolve("lib");
        int jars = 0;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(lib, "tokenizers-*.jar")) {
            for (Path jar : stream) {
                jars++;
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    assertNotNull(jar + " lacks native/lib/tokenizers.properties", zip.getEntry("native/lib/tokenizers.properties"));
                    assertNull(jar + " still holds natives", zip.getEntry("native/lib/linux-x86_64/cpu/libtokenizers.so"));
                }
            }
        }
        assertEquals("one stripped tokenizers jar in " + lib, 1, jars);
    }
}

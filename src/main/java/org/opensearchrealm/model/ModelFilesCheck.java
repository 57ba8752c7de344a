/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Build-time check ({@code java ... ModelFilesCheck <modelsDir>}): every {@code <modelsDir>/<id>/model.json} must
 * parse and every file it lists must exist with the listed SHA-256. Prints one line per model; exits with status 1 on
 * any problem (and when no model is found), 0 otherwise.
 */
public final class ModelFilesCheck {

    private ModelFilesCheck() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The check without {@code System.exit}: returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 1) {
            err.println("usage: ModelFilesCheck <modelsDir>");
            return 2;
        }
        Path dir = Path.of(args[0]).toAbsolutePath().normalize();
        List<ModelFiles.Found> found;
        try {
            found = ModelFiles.scan(dir);
        } catch (Exception e) {
            err.println("cannot list models in [" + dir + "]: " + e);
            return 1;
        }
        if (found.isEmpty()) {
            err.println("no <id>/model.json found in [" + dir + "]");
            return 1;
        }
        int failures = 0;
        for (ModelFiles.Found f : found) {
            if (f.ok() == false) {
                err.println("FAILED " + f.modelJson() + ": " + f.error().getMessage());
                failures++;
                continue;
            }
            ModelDescriptor model = f.descriptor();
            try {
                ModelFiles.verify(model);
                out.println("ok     " + model.id() + ": " + model.sha256().size() + " file(s) match model.json " + model.sha256().keySet());
            } catch (ModelException e) {
                err.println("FAILED " + model.id() + ": " + e.getMessage());
                failures++;
            }
        }
        if (failures > 0) {
            err.println(failures + " of " + found.size() + " model(s) in [" + dir + "] failed verification");
            return 1;
        }
        return 0;
    }
}

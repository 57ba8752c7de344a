/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;

import org.opensearchrealm.train.TrainPlan.Group;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.opensearchrealm.train.TrainLog.hms;

/**
 * The optimizer steps of a run: each of at most {@code --batch} windows (whole question groups) in micro-batches of at
 * most {@code --micro-batch} windows whose gradients accumulate; the loss is the mean of the step's
 * {@link MarginalSpanLoss} terms. Gradients are clipped
 * to a global norm, at a learning rate that warms up linearly and then decays linearly to 0; the dropout generator is
 * re-seeded from (seed, step) at each step. Logs the running loss and checkpoints every so many steps and at the end.
 */
final class TrainingLoop {

    private final TrainOptions options;
    private final TrainLog log;
    private final Trainer trainer;
    private final Map<String, Parameter> params;
    private final ReaderAdamW optimizer;
    private final Checkpoint checkpoint;

    TrainingLoop(TrainOptions options, TrainLog log, Trainer trainer, Map<String, Parameter> params, ReaderAdamW optimizer,
        Checkpoint checkpoint) {
        this.options = options;
        this.log = log;
        this.trainer = trainer;
        this.params = params;
        this.optimizer = optimizer;
        this.checkpoint = checkpoint;
    }

    /** Trains on the groups (resuming from the checkpoint with --resume); whether every planned step is done. */
    boolean run(List<Group> groups, String commandLine) throws Exception {
        int seed = options.seed();
        int batch = options.getInt("batch", 32);
        int micro = Math.min(options.getInt("micro-batch", 16), batch);
        int epochs = options.getInt("epochs", 2);
        List<List<Integer>> plan = TrainPlan.plan(groups, batch, epochs, seed);
        int total = plan.size();
        int warmup = Math.round(total * options.getFloat("warmup", 0.1f));
        float lr = options.getFloat("lr", 1e-4f);
        float clip = options.getFloat("clip", 1f);
        int checkpointEvery = options.getInt("checkpoint-every", 50);
        int logEvery = options.getInt("log-every", 5);
        int maxSteps = options.getInt("max-steps", Integer.MAX_VALUE);
        log.print(String.format(Locale.ROOT,
            "plan: %d epochs x %d steps = %d steps of up to %d windows (micro-batches of up to %d), lr %.2e, warm-up %d steps, linear decay, seed %d",
            epochs, total / epochs, total, batch, micro, lr, warmup, seed));

        int done = 0;
        if (options.has("resume") && checkpoint.exists()) {
            done = checkpoint.restore(seed, total, batch);
            log.print("resumed from " + checkpoint + " at step " + done);
        }

        MarginalSpanLoss loss = new MarginalSpanLoss();
        double runningLoss = 0;
        int runningCount = 0;
        long windowsDone = 0;
        long loopStart = System.nanoTime();
        int firstStep = done;
        for (int step = done; step < total && step - firstStep < maxSteps; step++) { // (no overflow: step - firstStep >= 0)
            Engine.getEngine("PyTorch").setRandomSeed(seed * 100_003 + step);
            List<Group> stepGroups = plan.get(step).stream().map(groups::get).toList();
            float terms = Math.max(1, TrainBatch.terms(stepGroups));
            float stepLoss = 0;
            int stepWindows = 0;
            for (List<Group> mb : microBatches(stepGroups, micro)) {
                try (NDManager m = trainer.getManager().newSubManager()) {
                    TrainBatch in = TrainBatch.of(m, mb);
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDList preds = trainer.forward(in.inputs());
                        NDArray l = loss.evaluate(in.labels(), preds).div(terms);
                        gc.backward(l);
                        stepLoss += l.getFloat();
                    }
                }
                stepWindows += mb.stream().mapToInt(g -> g.windows().size()).sum();
            }
            float scale = clip > 0 ? clipScale(clip) : 1f;
            int t = step + 1;
            float rate = t <= warmup ? lr * t / Math.max(1, warmup) : lr * Math.max(0f, (float) (total - t) / Math.max(1, total - warmup));
            optimizer.prepare(t, rate, scale);
            trainer.step();
            windowsDone += stepWindows;
            runningLoss += stepLoss;
            runningCount++;
            if (t % logEvery == 0 || t == total) {
                double secs = (System.nanoTime() - loopStart) / 1e9;
                int stepsThisRun = t - firstStep;
                double left = secs / stepsThisRun * (total - t);
                log.print(String.format(Locale.ROOT,
                    "step %d/%d epoch %d/%d loss %.4f (mean of %d) lr %.2e %.2f ex/s elapsed %s left %s",
                    t, total, (step / (total / epochs)) + 1, epochs, runningLoss / runningCount, runningCount, rate,
                    windowsDone / secs, hms(secs), hms(left)));
                runningLoss = 0;
                runningCount = 0;
            }
            if (t % checkpointEvery == 0 || t == total) {
                checkpoint.save(t, seed, total, batch, commandLine);
            }
        }
        int finished = (int) Math.min(total, (long) firstStep + maxSteps); // maxSteps defaults to Integer.MAX_VALUE
        if (finished % checkpointEvery != 0 && finished != total) {
            checkpoint.save(finished, seed, total, batch, commandLine);
        }
        log.print("training stopped at step " + finished + "/" + total + " after " + hms(log.elapsed()));
        return finished == total;
    }

    /** The factor that brings the gradients' global norm down to clip (1 when it is below). */
    private float clipScale(float clip) {
        double norm = 0;
        for (Parameter p : params.values()) {
            // results of operations join their input's manager: the gradient's is the model's, which
            // lives as long as the model, so every temporary is closed here
            try (NDArray g = p.getArray().getGradient(); NDArray sq = g.square(); NDArray sum = sq.sum()) {
                norm += sum.getFloat();
            }
        }
        norm = Math.sqrt(norm);
        return norm > clip ? (float) (clip / norm) : 1f;
    }

    /** Consecutive groups, each micro-batch of at most {@code micro} windows (a larger group alone). */
    static List<List<Group>> microBatches(List<Group> groups, int micro) {
        List<List<Group>> out = new ArrayList<>();
        List<Group> current = new ArrayList<>();
        int windows = 0;
        for (Group g : groups) {
            if (current.isEmpty() == false && windows + g.windows().size() > micro) {
                out.add(current);
                current = new ArrayList<>();
                windows = 0;
            }
            current.add(g);
            windows += g.windows().size();
        }
        if (current.isEmpty() == false) {
            out.add(current);
        }
        return out;
    }
}

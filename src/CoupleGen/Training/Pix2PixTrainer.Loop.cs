using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using CoupleGen.Data;
using CoupleGen.Errors;
using CoupleGen.Imaging;
using Microsoft.Extensions.Logging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace CoupleGen.Training;

/// <content>The loop over epochs: shuffling, batches, the learning-rate schedule, progress and periodic checkpoints.</content>
public sealed partial class Pix2PixTrainer
{
    /// <summary>
    /// Trains on <paramref name="dataset"/> until all epochs (or <see cref="Pix2PixOptions.MaxSteps"/>)
    /// are done, continuing from <see cref="Step"/>. Writes checkpoints to
    /// <see cref="Pix2PixOptions.CheckpointPath"/> if set: every <see cref="Pix2PixOptions.CheckpointInterval"/>
    /// steps, at the end, and when cancelled.
    /// </summary>
    /// <param name="dataset">The pairs; their order and augmentation follow from the seed, epoch and index alone.</param>
    /// <param name="progress">Told after every step; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Checked between steps.</param>
    /// <returns>The last step's progress, or <see langword="null"/> when no step was left to do.</returns>
    /// <exception cref="OperationCanceledException">Cancelled; a checkpoint was written first if a path is set.</exception>
    /// <exception cref="CoupleGenException">A pair cannot be loaded; the exception names the file.</exception>
    public TrainingProgress? Train(IPairedDataset dataset, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Count == 0)
        {
            throw new ArgumentException("The dataset is empty.", nameof(dataset));
        }

        int stepsPerEpoch = (dataset.Count + Options.BatchSize - 1) / Options.BatchSize;
        int totalEpochs = Options.Epochs + Options.DecayEpochs;
        long totalSteps = (long)stepsPerEpoch * totalEpochs;
        if (Options.MaxSteps is { } cap)
        {
            totalSteps = Math.Min(totalSteps, cap);
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            Log.TrainingStarted(logger, Device.ToString(), dataset.Count, Options.BatchSize, stepsPerEpoch, totalSteps, Seed);
        }
        var clock = Stopwatch.StartNew();
        long startStep = Step;
        TrainingProgress? last = null;
        while (Step < totalSteps)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Log.TrainingCancelled(logger, Step);
                WriteCheckpointIfConfigured();
                cancellationToken.ThrowIfCancellationRequested();
            }

            int epoch = (int)(Step / stepsPerEpoch);
            int batchInEpoch = (int)(Step % stepsPerEpoch);
            SetLearningRate(epoch);
            int[] order = EpochOrder(dataset.Count, epoch);
            int first = batchInEpoch * Options.BatchSize;
            int[] indices = order[first..Math.Min(first + Options.BatchSize, order.Length)];

            TrainingStepLosses? losses = null;
            using (var scope = NewDisposeScope())
            {
                if (LoadBatch(dataset, indices, epoch) is var (input, target))
                {
                    losses = TrainStep(input, target);
                }
            }

            Step++;
            if (losses is null)
            {
                continue;
            }

            double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            double rate = (Step - startStep) / seconds;
            last = new TrainingProgress(Step, totalSteps, epoch + 1, totalEpochs, losses, LearningRate, clock.Elapsed, rate);
            progress?.Report(last);
            if (Step % Options.LogInterval == 0 || Step == totalSteps)
            {
                Log.TrainingStep(logger, Step, totalSteps, epoch + 1, losses.Discriminator, losses.GeneratorGan, losses.GeneratorL1, LearningRate, rate);
            }

            if (Options.CheckpointInterval > 0 && Step % Options.CheckpointInterval == 0 && Step < totalSteps)
            {
                WriteCheckpointIfConfigured();
            }
        }

        WriteCheckpointIfConfigured();
        Log.TrainingFinished(logger, Step, clock.Elapsed);
        return last;
    }

    private void SetLearningRate(int epoch)
    {
        // pix2pix's lambda rule (epoch_count = 1): constant for n_epochs, then linearly down to
        // lr / (n_epochs_decay + 1) in the last epoch.
        double factor = 1.0 - (Math.Max(0, epoch + 1 - Options.Epochs) / (double)(Options.DecayEpochs + 1));
        double rate = Options.LearningRate * factor;
        generatorOptimizer.LearningRate = rate;
        discriminatorOptimizer.LearningRate = rate;
    }

    private int[] EpochOrder(int count, int epoch)
    {
        if (permutationEpoch != epoch || permutation is null || permutation.Length != count)
        {
            permutation = Enumerable.Range(0, count).ToArray();
            new Random(StableSeed.Mix(Seed, epoch, 0x0de7)).Shuffle(permutation);
            permutationEpoch = epoch;
        }

        return permutation;
    }

    private (Tensor Input, Tensor Target)? LoadBatch(IPairedDataset dataset, int[] indices, int epoch)
    {
        var inputs = new List<Image<Rgb24>>(indices.Length);
        var targets = new List<Image<Rgb24>>(indices.Length);
        try
        {
            foreach (int index in indices)
            {
                ImagePair pair;
                try
                {
                    pair = dataset.GetPair(index);
                }
                catch (CoupleGenException ex) when (Options.UnreadablePairs == UnreadablePairPolicy.Skip)
                {
                    SkippedPairs++;
                    Log.PairSkipped(logger, ex.Path ?? $"pair {index}", ex.Message);
                    continue;
                }

                using var owned = pair;
                var random = new Random(StableSeed.Mix(Seed, epoch, index));
                var (a, b) = PairAugmentation.Apply(pair, Options.ImageSize, Options.LoadSize, Options.RandomCrop, Options.RandomFlip, random);
                inputs.Add(Options.Direction == PairDirection.AToB ? a : b);
                targets.Add(Options.Direction == PairDirection.AToB ? b : a);
            }

            return inputs.Count == 0 ? null : (ImageTensor.ToBatch(inputs, Device), ImageTensor.ToBatch(targets, Device));
        }
        finally
        {
            inputs.ForEach(image => image.Dispose());
            targets.ForEach(image => image.Dispose());
        }
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using CoupleGen.Data;
using CoupleGen.Errors;
using CoupleGen.Imaging;
using CoupleGen.Losses;
using CoupleGen.Models;
using CoupleGen.Models.CoupleGenerator;
using CoupleGen.Training.Objectives;
using CoupleGen.Training.Optimizers;
using CoupleGen.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Training;

/// <summary>
/// Trains a pix2pix pair (<see cref="UnetGenerator"/>, <see cref="PatchDiscriminator"/>) with the
/// paper's update: a discriminator step on the detached fake with loss 0.5 x (real + fake), then a
/// generator step with GAN loss + lambda x L1, both with Adam; the learning rate stays constant for
/// <see cref="Pix2PixOptions.Epochs"/> epochs and then decays linearly over
/// <see cref="Pix2PixOptions.DecayEpochs"/>. Seeded runs on the CPU are reproducible, also across a
/// checkpoint and <see cref="Resume"/>. Construction checks every convolution at its training shape
/// (libtorch 2.10 gets some input gradients wrong; see docs/training.md), which takes a few seconds for
/// unet_256 at 256x256. Not thread-safe: one thread drives a trainer.
/// </summary>
public sealed class Pix2PixTrainer : IDisposable
{
    private readonly ILogger logger;
    private readonly IStepOptimizer generatorOptimizer;
    private readonly IStepOptimizer discriminatorOptimizer;
    private readonly CheckedConvolutions convolutions;
    private readonly TrainingObjective objective;
    private int[]? permutation;
    private int permutationEpoch = -1;
    private bool disposed;

    /// <summary>Initializes a new instance of the <see cref="Pix2PixTrainer"/> class with freshly initialized networks.</summary>
    /// <param name="options">The run's settings; <see langword="null"/> for the paper's defaults.</param>
    /// <param name="logger">Receives progress lines; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    /// <exception cref="NativeRuntimeException">libtorch cannot be loaded.</exception>
    public Pix2PixTrainer(Pix2PixOptions? options = null, ILogger? logger = null)
        : this(options ?? new Pix2PixOptions(), logger, seedOverride: null, perceptualLoss: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Pix2PixTrainer"/> class that adds a perceptual loss to the generator's objective.</summary>
    /// <param name="options">The run's settings; <see cref="Pix2PixOptions.PerceptualWeight"/> weighs the perceptual loss.</param>
    /// <param name="perceptualLoss">The perceptual loss (its VGG is moved to the training device); <see langword="null"/> only when the weight is 0.</param>
    /// <param name="logger">Receives progress lines; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException">An option is invalid, or a perceptual weight is set without a perceptual loss.</exception>
    /// <exception cref="NativeRuntimeException">libtorch cannot be loaded.</exception>
    public Pix2PixTrainer(Pix2PixOptions options, PerceptualLoss? perceptualLoss, ILogger? logger = null)
        : this(options, logger, seedOverride: null, perceptualLoss)
    {
    }

    private Pix2PixTrainer(Pix2PixOptions options, ILogger? logger, int? seedOverride, PerceptualLoss? perceptualLoss)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.PerceptualWeight > 0 && perceptualLoss is null)
        {
            throw new ArgumentException($"PerceptualWeight is {options.PerceptualWeight} but no perceptual loss (VGG weights) was given; training will not silently run without it.", nameof(perceptualLoss));
        }

        PerceptualLoss = options.PerceptualWeight > 0 ? perceptualLoss : null;
        this.logger = logger ?? NullLogger.Instance;
        CoupleGenRuntime.EnsureInitialized(this.logger);
        Seed = seedOverride ?? options.Seed ?? Random.Shared.Next();
        Options = options with { Seed = Seed };
        Device = DeviceSelector.Resolve(options.Device);

        // Build and initialize on the CPU with the run's seed, then move: the same seed gives the same
        // weights on every device.
        torch.manual_seed(Seed);
        objective = TrainingObjective.For(options, Device);
        Generator = CreateGenerator(options);
        Discriminator = objective.CreateDiscriminator();
        Generator.to(Device);
        Discriminator.to(Device);
        PerceptualLoss?.Features.to(Device);
        convolutions = new CheckedConvolutions(Generator, Discriminator, options.BatchSize, options.ImageSize, CheckedConvolutions.UseMixed(options.Precision, Device));
        string replaced = string.Join(", ", convolutions.Workarounds.Select(choice => $"{choice.Key}: {choice.Value}"));
        if (replaced.Length > 0)
        {
            Log.ConvolutionKernelsReplaced(this.logger, replaced);
        }

        generatorOptimizer = objective.CreateOptimizer(Generator.parameters());
        discriminatorOptimizer = objective.CreateOptimizer(Discriminator.parameters());
    }

    /// <summary>Gets the run's settings, with <see cref="Pix2PixOptions.Seed"/> set to the seed in use.</summary>
    public Pix2PixOptions Options { get; }

    /// <summary>Gets the seed in use.</summary>
    public int Seed { get; }

    /// <summary>Gets the device the networks live on.</summary>
    public Device Device { get; }

    /// <summary>Gets the generator being trained: a <see cref="UnetGenerator"/> (pix2pix) or a <see cref="CoupleGeneratorUnet"/>.</summary>
    public nn.Module<Tensor, Tensor> Generator { get; }

    /// <summary>Gets the discriminator being trained: a <see cref="PatchDiscriminator"/> (pix2pix) or a <see cref="CoupleGeneratorDiscriminator"/>.</summary>
    public nn.Module<Tensor, Tensor> Discriminator { get; }

    /// <summary>Gets the perceptual loss in use, or <see langword="null"/> when <see cref="Pix2PixOptions.PerceptualWeight"/> is 0.</summary>
    public PerceptualLoss? PerceptualLoss { get; }

    /// <summary>Gets a value indicating whether the networks train in bfloat16 mixed precision (<see cref="Pix2PixOptions.Precision"/> resolved for <see cref="Device"/>).</summary>
    public bool UsesMixedPrecision => convolutions.MixedPrecision;

    /// <summary>Gets how each convolution is computed, by name, as chosen by the checks at construction (see <see cref="CheckedConvolutions"/>).</summary>
    internal IReadOnlyDictionary<string, ConvolutionKernel> ConvolutionKernels => convolutions.Choices;

    /// <summary>Computes the networks as <see cref="TrainStep"/> does until the result is disposed (tests).</summary>
    internal IDisposable UseTrainingKernels() => convolutions.Enable();

    /// <summary>Gets how many unreadable pairs were skipped in this process (see <see cref="Pix2PixOptions.UnreadablePairs"/>).</summary>
    public int SkippedPairs { get; private set; }

    /// <summary>Gets the number of optimisation steps completed, including those before a resume.</summary>
    public long Step { get; private set; }

    /// <summary>Gets the current learning rate of both optimizers.</summary>
    public double LearningRate => generatorOptimizer.LearningRate;

    /// <summary>Continues a run from a checkpoint written by <see cref="SaveCheckpoint"/> or by <see cref="Train"/>.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="configure">Changes to the stored options (e.g. more epochs, a new checkpoint path); <see langword="null"/> for none. The architecture must stay the same.</param>
    /// <param name="device">The device to continue on; <see langword="null"/> for CUDA when available, else the CPU.</param>
    /// <param name="logger">Receives progress lines; <see langword="null"/> for none.</param>
    /// <param name="perceptualLoss">The perceptual loss, when the run uses one (VGG weights are not stored in checkpoints).</param>
    /// <returns>A trainer whose next step is the one after the checkpoint's.</returns>
    /// <exception cref="CheckpointException">The file is missing, corrupt, not a checkpoint, or does not fit its own options.</exception>
    public static Pix2PixTrainer Resume(string path, Func<Pix2PixOptions, Pix2PixOptions>? configure = null, Device? device = null, ILogger? logger = null, PerceptualLoss? perceptualLoss = null)
    {
        var (zip, manifest) = Checkpoint.Open(path);
        using (zip)
        {
            if (manifest.Kind == Checkpoint.GeneratorKind)
            {
                throw new CheckpointException(path, "it is a generator-only model file (an export): it generates, but training resumes only from the checkpoint it came from.");
            }

            Pix2PixOptions options = manifest.Options with { Device = device };
            if (configure is not null)
            {
                options = configure(options);
                if (options.Generator != manifest.Options.Generator || options.Discriminator != manifest.Options.Discriminator)
                {
                    throw new ArgumentException("Resuming cannot change the generator or discriminator architecture.", nameof(configure));
                }
            }

            var trainer = new Pix2PixTrainer(options, logger, manifest.Seed, perceptualLoss);
            try
            {
                trainer.Restore(path, zip, manifest);
            }
            catch
            {
                trainer.Dispose();
                throw;
            }

            Log.Resumed(trainer.logger, path, trainer.Step);
            return trainer;
        }
    }

    /// <summary>Runs one paper update on a batch: a discriminator step, then a generator step.</summary>
    /// <param name="input">Condition images [N, 3, H, W] in [-1, 1], on any device.</param>
    /// <param name="target">Target images of the same shape.</param>
    /// <returns>The step's losses.</returns>
    /// <exception cref="ArgumentException">The shapes differ or do not fit the networks.</exception>
    public TrainingStepLosses TrainStep(Tensor input, Tensor target)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (!input.shape.SequenceEqual(target.shape))
        {
            throw new ArgumentException($"Input [{string.Join(", ", input.shape)}] and target [{string.Join(", ", target.shape)}] differ in shape.", nameof(target));
        }

        using var scope = NewDisposeScope();
        using IDisposable kernels = convolutions.Enable();
        Generator.train();
        Discriminator.train();
        Tensor realA = input.to(Device);
        Tensor realB = target.to(Device);
        Tensor conditionedA = objective.Condition(realA, realB);

        // In mixed precision the networks see bfloat16 channels-last images; losses are computed in FP32.
        Tensor networkA = convolutions.ToInput(conditionedA);
        Tensor networkB = convolutions.ToInput(realB);
        Tensor networkFakeB = Generator.call(networkA);
        Tensor fakeB = networkFakeB.to(ScalarType.Float32);

        SetRequiresGrad(Discriminator, true);
        discriminatorOptimizer.ZeroGrad();
        Tensor fakeAB = torch.cat(new[] { networkA, networkFakeB }, 1);
        Tensor predictFake = Judge(fakeAB.detach());
        Tensor predictReal = Judge(torch.cat(new[] { networkA, networkB }, 1));
        Tensor lossD = objective.DiscriminatorLoss(predictFake, predictReal);
        lossD.backward();
        discriminatorOptimizer.Step();
        objective.AfterDiscriminatorStep(Discriminator);

        SetRequiresGrad(Discriminator, false);
        generatorOptimizer.ZeroGrad();
        Tensor predictFakeForG = Judge(fakeAB);
        Tensor lossGGan = objective.GeneratorAdversarialLoss(predictFakeForG);
        Tensor lossGL1 = nn.functional.l1_loss(fakeB, realB);
        Tensor lossG = lossGGan.mul(Scalars.Of(Options.GanWeight)).Plus(lossGL1.mul(Scalars.Of(Options.L1Weight)));
        if (Options.TotalVariationWeight > 0)
        {
            lossG = lossG.Plus(TotalVariation(fakeB).mul(Scalars.Of(Options.TotalVariationWeight)));
        }

        Tensor? lossGPerceptual = PerceptualLoss?.Compute(fakeB, realB);
        if (lossGPerceptual is not null)
        {
            lossG = lossG.Plus(lossGPerceptual.mul(Scalars.Of(Options.PerceptualWeight)));
        }

        if (objective.OwnGeneratorLoss(fakeB, realB, conditionedA) is { } own)
        {
            lossG = lossG.Plus(own);
        }

        lossG.backward();
        generatorOptimizer.Step();
        SetRequiresGrad(Discriminator, true);

        return new TrainingStepLosses(lossD.item<float>(), lossGGan.item<float>(), lossGL1.item<float>(), lossGPerceptual?.item<float>() ?? 0);
    }

    /// <summary>The discriminator's FP32 verdict on a batch of pairs, seen through <see cref="Pix2PixOptions.DiffAugment"/>.</summary>
    private Tensor Judge(Tensor pairs) => Discriminator.call(DiffAugment.Apply(pairs, Options.DiffAugment)).to(ScalarType.Float32);

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

    /// <summary>Writes the whole training state (networks, optimizers, step, seed, options, random state) atomically.</summary>
    /// <param name="path">The checkpoint file; its folder is created if missing. An existing file is replaced only once the new one is complete.</param>
    /// <exception cref="IOException">The file cannot be written; an existing checkpoint at <paramref name="path"/> is left intact.</exception>
    public void SaveCheckpoint(string path)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var manifest = new Checkpoint.Manifest(Checkpoint.FormatVersion, Checkpoint.TrainingKind, Step, Seed, Options, DateTimeOffset.UtcNow, typeof(Pix2PixTrainer).Assembly.GetName().Version?.ToString() ?? "0");
        Checkpoint.WriteAtomically(path, zip =>
        {
            Checkpoint.WriteManifest(zip, manifest);
            Checkpoint.WriteStateDict(zip, Checkpoint.GeneratorEntry, Generator);
            Checkpoint.WriteStateDict(zip, Checkpoint.DiscriminatorEntry, Discriminator);
            Checkpoint.WriteEntry(zip, Checkpoint.GeneratorOptimizerEntry, generatorOptimizer.Save);
            Checkpoint.WriteEntry(zip, Checkpoint.DiscriminatorOptimizerEntry, discriminatorOptimizer.Save);
            Checkpoint.WriteEntry(zip, Checkpoint.RandomStateEntry, s =>
            {
                using Tensor state = torch.get_rng_state();
                s.Write(state.bytes);
            });
        });
        Log.CheckpointWritten(logger, path, Step);
    }

    /// <summary>
    /// Runs the generator in evaluation mode (no dropout, running batch statistics) on a batch, without
    /// autograd. A sex-controlled generator (<see cref="TrainingRecipe.Partner"/>) is asked for the other sex of each input.
    /// </summary>
    /// <param name="input">Images [N, 3, H, W] in [-1, 1].</param>
    /// <returns>The generated batch on the trainer's device.</returns>
    public Tensor Predict(Tensor input)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(input);
        bool wasTraining = Generator.training;
        Generator.eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = NewDisposeScope();
            return Generator.call(objective.Condition(input.to(Device), partners: null)).MoveToOuterDisposeScope();
        }
        finally
        {
            Generator.train(wasTraining);
        }
    }

    /// <summary>Loads a pair the way training sees it without augmentation: input and target resized to <see cref="Pix2PixOptions.ImageSize"/>.</summary>
    /// <param name="pair">The pair.</param>
    /// <returns>The input and the target, new images the caller owns.</returns>
    public (Image<Rgb24> Input, Image<Rgb24> Target) PrepareForEvaluation(ImagePair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var (a, b) = PairAugmentation.Apply(pair, Options.ImageSize, Options.ImageSize, randomCrop: false, randomFlip: false, new Random(0));
        return Options.Direction == PairDirection.AToB ? (a, b) : (b, a);
    }

    /// <summary>Computes the mean L1 distance (in [-1, 1] units) between the generator's output and the targets of <paramref name="dataset"/>, in evaluation mode, without augmentation.</summary>
    /// <param name="dataset">The pairs to measure.</param>
    /// <returns>The mean absolute error per pixel and channel.</returns>
    public double EvaluateL1(IPairedDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        double sum = 0;
        for (int i = 0; i < dataset.Count; i++)
        {
            using var scope = NewDisposeScope();
            using ImagePair pair = dataset.GetPair(i);
            var (input, target) = PrepareForEvaluation(pair);
            using (input)
            using (target)
            {
                Tensor x = ImageTensor.ToTensor(input, Device).unsqueeze(0);
                Tensor y = ImageTensor.ToTensor(target, Device).unsqueeze(0);
                sum += nn.functional.l1_loss(Predict(x), y).item<float>();
            }
        }

        return sum / dataset.Count;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        generatorOptimizer.Dispose();
        discriminatorOptimizer.Dispose();
        objective.Dispose();
        Generator.Dispose();
        Discriminator.Dispose();
    }

    /// <summary>The original CoupleGenerator's total variation: (Σdy² + Σdx²) / √2 over the batch.</summary>
    internal static Tensor TotalVariation(Tensor images)
    {
        using var scope = NewDisposeScope();
        long h = images.shape[2], w = images.shape[3];
        Tensor dy = images[.., .., 1..(int)h, ..].sub(images[.., .., ..(int)(h - 1), ..]);
        Tensor dx = images[.., .., .., 1..(int)w].sub(images[.., .., .., ..(int)(w - 1)]);
        return dy.square().sum().Plus(dx.square().sum()).div(Scalars.Of(Math.Sqrt(2))).MoveToOuterDisposeScope();
    }

    /// <summary>Builds the generator a run with <paramref name="options"/> trains, freshly initialised on the CPU.</summary>
    internal static nn.Module<Tensor, Tensor> CreateGenerator(Pix2PixOptions options) => TrainingObjective.CreateGenerator(options);

    private static void SetRequiresGrad(nn.Module module, bool requiresGrad)
    {
        foreach (var parameter in module.parameters())
        {
            parameter.requires_grad = requiresGrad;
        }
    }

    private void Restore(string path, System.IO.Compression.ZipArchive zip, Checkpoint.Manifest manifest)
    {
        if (manifest.Format < Checkpoint.FormatVersion)
        {
            throw new CheckpointException(path, $"it has format version {manifest.Format}, whose optimizer state (TorchSharp's Adam) this CoupleGen cannot resume; generate from it, or start a new run from its weights.");
        }

        Checkpoint.LoadStateDict(path, zip, Checkpoint.GeneratorEntry, Generator);
        Checkpoint.LoadStateDict(path, zip, Checkpoint.DiscriminatorEntry, Discriminator);
        Checkpoint.ReadEntry(path, zip, Checkpoint.GeneratorOptimizerEntry, (s, _) =>
        {
            generatorOptimizer.Load(s, path);
            return true;
        });
        Checkpoint.ReadEntry(path, zip, Checkpoint.DiscriminatorOptimizerEntry, (s, _) =>
        {
            discriminatorOptimizer.Load(s, path);
            return true;
        });
        Checkpoint.ReadEntry(path, zip, Checkpoint.RandomStateEntry, (s, length) =>
        {
            using Tensor state = torch.get_rng_state();
            if (length != state.bytes.Length)
            {
                throw new CheckpointException(path, $"the random state has {length} bytes, libtorch's has {state.bytes.Length}.");
            }

            var buffer = new MemoryStream();
            s.CopyTo(buffer);
            state.bytes = buffer.ToArray();
            torch.set_rng_state(state);
            return true;
        });
        Step = manifest.Step;
    }

    private void WriteCheckpointIfConfigured()
    {
        if (Options.CheckpointPath is { } path)
        {
            SaveCheckpoint(path);
        }
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

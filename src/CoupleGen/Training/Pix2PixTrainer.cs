using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Errors;
using CoupleGen.Kernels;
using CoupleGen.Losses;
using CoupleGen.Models;
using CoupleGen.Models.CoupleGenerator;
using CoupleGen.Training.Objectives;
using CoupleGen.Training.Optimizers;
using CoupleGen.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
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
public sealed partial class Pix2PixTrainer : IDisposable
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
        convolutions = new CheckedConvolutions(Generator, Discriminator, options.BatchSize, options.ImageSize, ResolvesToMixed(options.Precision, Device));
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

    /// <summary>Resolves <see cref="TrainingPrecision.Auto"/>: mixed precision on a CPU with native bfloat16.</summary>
    internal static bool ResolvesToMixed(TrainingPrecision precision, Device device) => precision switch
    {
        TrainingPrecision.MixedBf16 => true,
        TrainingPrecision.Auto => Native.CpuFeatures.PrefersBFloat16(device),
        _ => false,
    };

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

    /// <summary>Builds the generator a run with <paramref name="options"/> trains, freshly initialised on the CPU.</summary>
    internal static nn.Module<Tensor, Tensor> CreateGenerator(Pix2PixOptions options) => TrainingObjective.CreateGenerator(options);

    private static void SetRequiresGrad(nn.Module module, bool requiresGrad)
    {
        foreach (var parameter in module.parameters())
        {
            parameter.requires_grad = requiresGrad;
        }
    }
}

using System;
using System.IO;
using CoupleGen.Errors;
using CoupleGen.Faces;
using CoupleGen.Kernels;
using CoupleGen.Models;
using CoupleGen.Models.Interop;
using CoupleGen.Native;
using CoupleGen.Precision;
using CoupleGen.Training;
using CoupleGen.Weights;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SixLabors.ImageSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Generation;

/// <summary>
/// Generates partner faces with a trained <see cref="UnetGenerator"/>, in evaluation mode (no
/// dropout, running batch statistics) and without autograd; every tensor of a call is disposed
/// before it returns. The data path: image -> upright RGB -> fitted to ImageSize (see
/// <see cref="PartnerGeneratorOptions.ResizeMode"/>) -> tensor in [-1, 1] -> generator -> image; for photos,
/// <see cref="GeneratePortrait(Image)"/> first finds the face and frames it like the training pairs (docs/portraits.md).
/// Safe to call from several threads at once.
/// </summary>
public sealed partial class PartnerGenerator : IPartnerGenerator
{
    private readonly nn.Module<Tensor, Tensor> generator;
    private readonly PartnerGeneratorOptions options;
    private readonly Device device;
    private readonly Lazy<FaceFramer> framer;
    private readonly FaceAttributeEstimator? sexEstimator;
    private PrepackedConvolutions? prepacked;
    private bool disposed;

    /// <summary>Initializes a new instance of the <see cref="PartnerGenerator"/> class with a copy of an in-memory generator's weights.</summary>
    /// <param name="generator">A trained generator, e.g. <see cref="Pix2PixTrainer.Generator"/>; it is copied, not changed.</param>
    /// <param name="imageSize">The side of the square images the generator was trained on.</param>
    /// <param name="options">How to run; <see langword="null"/> for <see cref="PartnerGeneratorOptions.Default"/>.</param>
    /// <param name="logger">Receives one line when ready; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException"><paramref name="imageSize"/> does not fit the generator.</exception>
    public PartnerGenerator(UnetGenerator generator, int imageSize, PartnerGeneratorOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        this.options = options ?? PartnerGeneratorOptions.Default;
        this.options.Validate();
        if (imageSize < generator.Options.MinimumImageSize || imageSize % generator.Options.MinimumImageSize != 0)
        {
            throw new ArgumentException($"ImageSize {imageSize} must be a multiple of {generator.Options.MinimumImageSize} for this generator.", nameof(imageSize));
        }

        ImageSize = imageSize;
        device = DeviceSelector.Resolve(this.options.Device);
        framer = NewFramer();
        this.generator = new UnetGenerator(generator.Options);
        CopyWeights(generator, this.generator);
        HasSexControl = TakesPartnerSex(this.generator);
        sexEstimator = SexControl(HasSexControl, "a model in memory");
        Prepare(logger, "a model in memory");
    }

    private PartnerGenerator(nn.Module<Tensor, Tensor> loaded, int imageSize, PartnerGeneratorOptions options, ILogger? logger, string source)
    {
        this.options = options;
        ImageSize = imageSize;
        device = DeviceSelector.Resolve(options.Device);
        framer = NewFramer();
        generator = loaded;
        HasSexControl = TakesPartnerSex(loaded);
        try
        {
            sexEstimator = SexControl(HasSexControl, source);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }

        Prepare(logger, source);
    }

    /// <inheritdoc/>
    public int ImageSize { get; }

    /// <summary>
    /// Gets which half of its training pairs the model took as input (from the checkpoint's options; pix2pix files and
    /// modules: <see cref="PairDirection.AToB"/>, the left), so a couple portrait puts the input where it sat in training.
    /// </summary>
    public PairDirection Direction { get; private init; } = PairDirection.AToB;

    /// <summary>Gets how many convolutions run on prepacked oneDNN weights (on the CPU; 0 on other devices or if the load-time check failed).</summary>
    internal int PrepackedLayers => prepacked?.PackedLayers ?? 0;

    /// <summary>Gets a value indicating whether the model takes the partner's sex (<see cref="PartnerGeneratorOptions.PartnerSex"/>; <see cref="TrainingRecipe.Partner"/> models).</summary>
    public bool HasSexControl { get; }

    /// <summary>Gets the number format the generator computes in (never <see cref="InferencePrecision.Auto"/>).</summary>
    public InferencePrecision Precision { get; private set; }

    /// <summary>Creates a generator with a copy of a trainer's current generator weights (either recipe).</summary>
    /// <param name="trainer">The trainer; it is not changed.</param>
    /// <param name="options">How to run; <see langword="null"/> for <see cref="PartnerGeneratorOptions.Default"/>.</param>
    /// <param name="logger">Receives one line when ready; <see langword="null"/> for none.</param>
    /// <returns>A ready generator at the trainer's image size.</returns>
    public static PartnerGenerator FromTrainer(Pix2PixTrainer trainer, PartnerGeneratorOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        options ??= PartnerGeneratorOptions.Default;
        options.Validate();
        var copy = Pix2PixTrainer.CreateGenerator(trainer.Options);
        CopyWeights(trainer.Generator, copy);
        return new PartnerGenerator(copy, trainer.Options.ImageSize, options, logger, "a trainer") { Direction = trainer.Options.Direction };
    }

    /// <summary>
    /// Creates a generator from a checkpoint written by <see cref="Pix2PixTrainer"/>, a generator-only model file
    /// written from one by <c>GeneratorExport</c> (FP32 or bfloat16 weights), or a
    /// pytorch-CycleGAN-and-pix2pix generator file (<c>latest_net_G.pth</c>, zip or legacy, or the same
    /// tensors as safetensors), whose architecture is inferred; its image size is 2^downsamplings.
    /// </summary>
    /// <param name="checkpointPath">The checkpoint or weight file.</param>
    /// <param name="options">How to run; <see langword="null"/> for <see cref="PartnerGeneratorOptions.Default"/>.</param>
    /// <param name="logger">Receives one line when ready; <see langword="null"/> for none.</param>
    /// <returns>A ready generator.</returns>
    /// <exception cref="CheckpointException">The file is missing, corrupt, not a CoupleGen checkpoint, or its weights do not fit its architecture.</exception>
    /// <exception cref="NativeRuntimeException">libtorch cannot be loaded.</exception>
    public static PartnerGenerator FromCheckpoint(string checkpointPath, PartnerGeneratorOptions? options = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        options ??= PartnerGeneratorOptions.Default;
        options.Validate();
        CoupleGenRuntime.EnsureInitialized(logger);
        if (IsPix2PixWeightFile(checkpointPath))
        {
            UnetGenerator pix2pix;
            try
            {
                pix2pix = Pix2PixWeights.LoadGenerator(checkpointPath);
            }
            catch (InvalidWeightsException ex)
            {
                throw new CheckpointException(checkpointPath, ex.Message, ex);
            }

            return new PartnerGenerator(pix2pix, pix2pix.Options.MinimumImageSize, options, logger, checkpointPath);
        }

        var (zip, manifest) = Checkpoint.Open(checkpointPath);
        using (zip)
        {
            var generator = Pix2PixTrainer.CreateGenerator(manifest.Options);
            try
            {
                Checkpoint.LoadStateDict(checkpointPath, zip, Checkpoint.GeneratorEntry, generator);
            }
            catch
            {
                generator.Dispose();
                throw;
            }

            return new PartnerGenerator(generator, manifest.Options.ImageSize, options, logger, checkpointPath) { Direction = manifest.Options.Direction };
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        generator.Dispose();
        prepacked?.Dispose();
        sexEstimator?.Dispose();
        if (framer.IsValueCreated)
        {
            framer.Value.Dispose();
        }
    }

    private static void CopyWeights(nn.Module source, nn.Module target)
    {
        using var noGrad = torch.no_grad();
        var weights = source.state_dict();
        foreach (var (key, tensor) in target.state_dict())
        {
            tensor.copy_(weights[key]);
        }
    }

    private static bool IsPix2PixWeightFile(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            return WeightFile.Detect(path) is WeightFormat.PyTorchZip or WeightFormat.PyTorchLegacy or WeightFormat.SafeTensors or WeightFormat.TorchSharp;
        }
        catch (InvalidWeightsException)
        {
            return false;
        }
    }

    private void Prepare(ILogger? logger, string source)
    {
        generator.to(device);
        generator.eval();
        Precision = BFloat16Inference.Resolve(options.Precision, device);
        if (Precision == InferencePrecision.Bf16)
        {
            BFloat16Inference.Convert(generator);
            _ = CoupleGenRuntime.ReleaseFreedMemory();
        }

        if (options.UseBatchStatistics)
        {
            foreach (var module in generator.modules())
            {
                if (module is TorchSharp.Modules.BatchNorm2d norm)
                {
                    // Training mode makes batch norm use the batch's statistics; momentum 0 keeps the
                    // running averages exactly as they are (the update writes back the same values).
                    norm.momentum = 0.0;
                    norm.train();
                }
            }
        }
        foreach (var parameter in generator.parameters())
        {
            parameter.requires_grad = false;
        }

        if (device.type == DeviceType.CPU)
        {
            prepacked = Prepack(logger ?? NullLogger.Instance);
        }

        _ = CoupleGenRuntime.ReleaseFreedMemory();
        logger ??= NullLogger.Instance;
        if (logger.IsEnabled(LogLevel.Information))
        {
            Log.GeneratorReady(logger, ImageSize, device.ToString(), Precision.ToString(), source);
        }
    }

    /// <summary>
    /// Prepacks the inner convolutions (see <see cref="PrepackedConvolutions"/>). Each layer is checked against
    /// its module first, because the prepacked path relies on libtorch internals that another libtorch build
    /// or CPU may not have; layers that fail keep their modules, with a warning in the log.
    /// </summary>
    private PrepackedConvolutions? Prepack(ILogger logger)
    {
        PrepackedConvolutions? packed = PrepackedConvolutions.Apply(generator, ImageSize);
        if (packed is { Rejections.Count: > 0 })
        {
            Log.PrepackingRejected(logger, $"{packed.Rejections.Count} layers: {string.Join("; ", packed.Rejections)}");
        }

        return packed;
    }
}

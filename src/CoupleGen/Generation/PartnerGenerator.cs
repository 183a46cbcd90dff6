using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Threading;
using CoupleGen.Errors;
using CoupleGen.Faces;
using CoupleGen.Imaging;
using CoupleGen.Models;
using CoupleGen.Native;
using CoupleGen.Training;
using CoupleGen.Weights;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
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
    /// <exception cref="ObjectDisposedException">The generator was disposed.</exception>
    public Image<Rgb24> Generate(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Generate(new[] { image })[0];
    }

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The generator was disposed.</exception>
    /// <exception cref="NoFaceFoundException"><see cref="PartnerGeneratorOptions.FaceFraming"/> is <see cref="FaceFramingMode.Always"/> and an image holds no face.</exception>
    public IReadOnlyList<Image<Rgb24>> Generate(IReadOnlyList<Image> images)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(images);
        var results = new List<Image<Rgb24>>(images.Count);
        for (int start = 0; start < images.Count; start += options.MaxBatchSize)
        {
            int count = Math.Min(options.MaxBatchSize, images.Count - start);
            var fitted = new List<Image<Rgb24>>(count);
            try
            {
                for (int i = 0; i < count; i++)
                {
                    Image source = images[start + i] ?? throw new ArgumentException($"Image {start + i} is null.", nameof(images));
                    fitted.Add(FrameOrFit(source, $"image {start + i}", options.FaceFraming == FaceFramingMode.Always, out _, out _));
                }

                results.AddRange(Forward(fitted));
            }
            finally
            {
                fitted.ForEach(image => image.Dispose());
            }
        }

        return results;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidImageException">The stream holds no readable image, or one larger than <see cref="PartnerGeneratorOptions.MaxInputPixels"/>.</exception>
    /// <exception cref="NoFaceFoundException"><see cref="PartnerGeneratorOptions.FaceFraming"/> is <see cref="FaceFramingMode.Always"/> and the image holds no face.</exception>
    public Image<Rgb24> Generate(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using Image<Rgb24> image = LoadStream(input);
        return GenerateNamed(image, "stream");
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidImageException">The input is missing, unreadable, corrupt or too large, or the output extension is not an image format.</exception>
    /// <exception cref="IOException">The output cannot be written.</exception>
    public void Generate(string inputPath, string outputPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        using Image<Rgb24> image = LoadFile(inputPath);
        using Image<Rgb24> partner = GenerateNamed(image, inputPath);
        SaveFile(partner, outputPath);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A path is null or empty.</exception>
    /// <exception cref="ObjectDisposedException">The generator was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; partners already written stay, no file is left half-written.</exception>
    public IReadOnlyList<FileGenerationResult> GenerateFiles(IReadOnlyList<(string InputPath, string OutputPath)> files, IProgress<FileGenerationResult>? progress = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(files);
        for (int i = 0; i < files.Count; i++)
        {
            if (string.IsNullOrEmpty(files[i].InputPath) || string.IsNullOrEmpty(files[i].OutputPath))
            {
                throw new ArgumentException($"File {i} has an empty input or output path.", nameof(files));
            }
        }

        bool frame = options.FaceFraming == FaceFramingMode.Always;
        return FilePipeline.Run(
            files,
            options.MaxBatchSize,
            path =>
            {
                using Image<Rgb24> image = LoadFile(path);
                return FrameOrFit(image, path, frame, out _, out _);
            },
            Forward,
            SaveFile,
            progress,
            cancellationToken);
    }

    /// <summary>
    /// Generates the partner for an arbitrary photo: finds the face, frames it like the training pairs
    /// (see <see cref="PartnerGeneratorOptions.FaceFraming"/> and <see cref="PartnerGeneratorOptions.Faces"/>) and
    /// returns both the framed input and the partner.
    /// </summary>
    /// <param name="photo">A photo with a face (selfie, portrait, group photo); it is not modified.</param>
    /// <returns>The framed input, the partner and the face; the caller disposes it.</returns>
    /// <exception cref="NoFaceFoundException">The photo holds no face (or none at <see cref="FaceFramingOptions.FaceIndex"/>).</exception>
    /// <exception cref="ObjectDisposedException">The generator was disposed.</exception>
    public PortraitResult GeneratePortrait(Image photo)
    {
        ArgumentNullException.ThrowIfNull(photo);
        return GeneratePortrait(photo, "image");
    }

    /// <summary>Generates the partner for an encoded photo in a stream; see <see cref="GeneratePortrait(Image)"/>.</summary>
    /// <param name="input">The encoded photo.</param>
    /// <returns>The framed input, the partner and the face; the caller disposes it.</returns>
    /// <exception cref="InvalidImageException">The stream holds no readable image, or one larger than <see cref="PartnerGeneratorOptions.MaxInputPixels"/>.</exception>
    /// <exception cref="NoFaceFoundException">The photo holds no face.</exception>
    public PortraitResult GeneratePortrait(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using Image<Rgb24> photo = LoadStream(input);
        return GeneratePortrait(photo, "stream");
    }

    /// <summary>Reads a photo file and generates the partner; see <see cref="GeneratePortrait(Image)"/>.</summary>
    /// <param name="inputPath">The photo.</param>
    /// <returns>The framed input, the partner and the face; the caller disposes it.</returns>
    /// <exception cref="InvalidImageException">The file is missing, unreadable, corrupt or too large.</exception>
    /// <exception cref="NoFaceFoundException">The photo holds no face; the exception names the file.</exception>
    public PortraitResult GeneratePortrait(string inputPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        using Image<Rgb24> photo = LoadFile(inputPath);
        return GeneratePortrait(photo, inputPath);
    }

    /// <summary>Reads a photo file, generates the partner and writes it (and, if asked, the framed input) atomically.</summary>
    /// <param name="inputPath">The photo.</param>
    /// <param name="partnerPath">Where the partner goes; the format follows the extension.</param>
    /// <param name="framedInputPath">Where the framed input goes, or <see langword="null"/> to skip it.</param>
    /// <exception cref="InvalidImageException">The input is missing, unreadable, corrupt or too large, or an output extension is not an image format.</exception>
    /// <exception cref="NoFaceFoundException">The photo holds no face; nothing is written.</exception>
    /// <exception cref="IOException">An output cannot be written.</exception>
    public void GeneratePortrait(string inputPath, string partnerPath, string? framedInputPath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentException.ThrowIfNullOrEmpty(partnerPath);
        using PortraitResult result = GeneratePortrait(inputPath);
        if (framedInputPath is not null)
        {
            SaveFile(result.FramedInput, framedInputPath);
        }

        SaveFile(result.Partner, partnerPath);
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

    // Every entry point reads and writes with the same limits and encoding options.
    private Image<Rgb24> LoadFile(string path) => ImageFiles.Load(path, options.MaxInputPixels, options.MaxInputFileBytes, options.AcceptedFormats);

    private Image<Rgb24> LoadStream(Stream input) => ImageFiles.Load(input, "stream", options.MaxInputPixels);

    private void SaveFile(Image image, string path) => ImageFiles.Save(image, path, options.PngCompression);

    private Lazy<FaceFramer> NewFramer() =>
        new(() => new FaceFramer(options.Faces with { OutputSize = ImageSize }), LazyThreadSafetyMode.ExecutionAndPublication);

    private Image<Rgb24> GenerateNamed(Image image, string name)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using Image<Rgb24> input = FrameOrFit(image, name, options.FaceFraming == FaceFramingMode.Always, out _, out _);
        return Forward(new[] { input })[0];
    }

    private PortraitResult GeneratePortrait(Image photo, string name) => GeneratePortrait(photo, name, options.PartnerSex);

    private PortraitResult GeneratePortrait(Image photo, string name, PartnerSex partnerSex)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        Image<Rgb24> input = FrameOrFit(photo, name, options.FaceFraming != FaceFramingMode.Never, out DetectedFace? face, out Matrix3x2? transform);
        try
        {
            Image<Rgb24> partner = Forward(new[] { input }, partnerSex)[0];
            return new PortraitResult(input, partner, face, transform, inputOnRight: Direction == PairDirection.BToA);
        }
        catch
        {
            input.Dispose();
            throw;
        }
    }

    /// <summary>Frames the face of <paramref name="source"/> at ImageSize, or only fits it when <paramref name="frame"/> is false.</summary>
    private Image<Rgb24> FrameOrFit(Image source, string name, bool frame, out DetectedFace? face, out Matrix3x2? transform)
    {
        face = null;
        transform = null;
        if (!frame)
        {
            return Fit(source);
        }

        Image<Rgb24> upright = UprightCopy(source);
        IReadOnlyList<FramedFace> framed;
        try
        {
            framed = framer.Value.Frame(upright, name);
        }
        finally
        {
            upright.Dispose();
        }

        foreach (FramedFace other in framed.Skip(1))
        {
            other.Dispose();
        }

        face = framed[0].Face;
        transform = framed[0].Transform;
        return framed[0].Image;
    }

    /// <summary>An upright RGB copy of <paramref name="source"/> resized to ImageSize as <see cref="PartnerGeneratorOptions.ResizeMode"/> says (bicubic).</summary>
    internal Image<Rgb24> Fit(Image source)
    {
        var resize = new ResizeOptions
        {
            Size = new SixLabors.ImageSharp.Size(ImageSize, ImageSize),
            Mode = options.ResizeMode,
            Sampler = KnownResamplers.Bicubic,
            PadColor = Color.Black,
        };
        Image<Rgb24> rgb = UprightCopy(source);
        rgb.Mutate(x => x.Resize(resize));
        return rgb;
    }

    /// <summary>An RGB copy of <paramref name="source"/> turned upright by its EXIF orientation.</summary>
    private static Image<Rgb24> UprightCopy(Image source)
    {
        Image<Rgb24> rgb = source as Image<Rgb24> is { } same ? same.Clone() : source.CloneAs<Rgb24>();
        try
        {
            rgb.Mutate(x => x.AutoOrient());
            return rgb;
        }
        catch
        {
            rgb.Dispose();
            throw;
        }
    }

    private Image<Rgb24>[] Forward(IReadOnlyList<Image<Rgb24>> fitted) => Forward(fitted, options.PartnerSex);

    private Image<Rgb24>[] Forward(IReadOnlyList<Image<Rgb24>> fitted, PartnerSex partnerSex)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        return ImageTensor.ToImages(Infer(ImageTensor.ToBatch(fitted, device), partnerSex));
    }

    /// <summary>
    /// The forward pass alone, without conversions: a [N, 3, H, W] FP32 batch in [-1, 1] on the model's
    /// device to the FP32 partners (with the partner-sex plane for sex-controlled models). The caller provides
    /// no_grad and the dispose scope (benchmarks measure the file path against this).
    /// </summary>
    internal Tensor Infer(Tensor batch) => Infer(batch, options.PartnerSex);

    private Tensor Infer(Tensor batch, PartnerSex partnerSex)
    {
        Tensor input = HasSexControl ? PartnerSexPlane.Append(batch, PartnerIsMale(batch, partnerSex)) : batch;
        return Precision == InferencePrecision.Bf16
            ? generator.call(BFloat16Inference.ToInput(input)).to(ScalarType.Float32)
            : generator.call(input);
    }
}

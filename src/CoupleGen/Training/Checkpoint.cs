using System;
using System.IO;
using System.IO.Compression;
using System.Text.Json;
using CoupleGen.Errors;
using CoupleGen.Weights;
using static TorchSharp.torch;

namespace CoupleGen.Training;

/// <summary>
/// CoupleGen's checkpoint file: a zip archive (stored, not compressed) holding
/// <c>checkpoint.json</c> (format version, step, seed, options), <c>generator.safetensors</c>,
/// <c>discriminator.safetensors</c> (every parameter and buffer under PyTorch's key names), the two
/// optimizers' states and the CPU random state. The zip's CRCs catch truncation and corruption;
/// safetensors and JSON hold no code. Written to a temporary file, flushed, then renamed.
/// </summary>
internal static class Checkpoint
{
    public const int FormatVersion = CheckpointArchive.FormatVersion;
    public const string ManifestEntry = CheckpointArchive.ManifestEntry;

    /// <summary>The manifest's kind of a training checkpoint (every recipe: the name predates the others).</summary>
    public const string TrainingKind = "pix2pix";

    /// <summary>The manifest's kind of a generator-only model file (<c>GeneratorExport</c>): it generates but cannot resume.</summary>
    public const string GeneratorKind = "generator";
    public const string GeneratorEntry = CheckpointArchive.GeneratorEntry;
    public const string DiscriminatorEntry = "discriminator.safetensors";
    public const string GeneratorOptimizerEntry = "generator-optimizer.bin";
    public const string DiscriminatorOptimizerEntry = "discriminator-optimizer.bin";
    public const string RandomStateEntry = "rng-state.bin";

    public static readonly JsonSerializerOptions Json = CheckpointArchive.Json;

    /// <summary>The JSON manifest.</summary>
    public sealed record Manifest(int Format, string Kind, long Step, int Seed, Pix2PixOptions Options, DateTimeOffset CreatedUtc, string Library);

    public static void WriteAtomically(string path, Action<ZipArchive> write) =>
        IO.AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            write(zip);
        });

    public static void WriteEntry(ZipArchive zip, string name, Action<Stream> write)
    {
        ZipArchiveEntry entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        using Stream stream = entry.Open();
        write(stream);
    }

    public static void WriteManifest(ZipArchive zip, Manifest manifest) =>
        WriteEntry(zip, ManifestEntry, stream => JsonSerializer.Serialize(stream, manifest, Json));

    public static void WriteStateDict(ZipArchive zip, string name, nn.Module module)
    {
        var state = module.state_dict();
        WriteEntry(zip, name, stream => SafeTensors.Write(stream, state));
    }

    /// <summary>Opens a checkpoint and reads its manifest; every failure becomes a <see cref="CheckpointException"/> naming the file.</summary>
    public static (ZipArchive Zip, Manifest Manifest) Open(string path) => CheckpointArchive.Open<Manifest>(path, manifest => manifest.Format, manifest =>
    {
        if (manifest.Options is null)
        {
            throw new CheckpointException(path, "its manifest is empty.");
        }

        try
        {
            manifest.Options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new CheckpointException(path, $"its options are invalid: {ex.Message}", ex);
        }
    });

    /// <summary>Reads an entry fully, turning zip and I/O failures into <see cref="CheckpointException"/>.</summary>
    public static T ReadEntry<T>(string path, ZipArchive zip, string name, Func<Stream, long, T> read) => CheckpointArchive.ReadEntry(path, zip, name, read);

    /// <summary>Loads a safetensors entry into <paramref name="module"/> strictly: every key present, none extra, every shape equal.</summary>
    public static void LoadStateDict(string path, ZipArchive zip, string name, nn.Module module)
    {
        try
        {
            // Tensor by tensor: the file's copy and the module's never both hold all the weights.
            ReadEntry(path, zip, name, (stream, length) =>
            {
                ModuleWeights.LoadStreaming(module, stream, length, path);
                return true;
            });
        }
        catch (InvalidWeightsException ex)
        {
            throw new CheckpointException(path, $"'{name}' does not fit the architecture in its manifest: {ex.Message}", ex);
        }
    }
}

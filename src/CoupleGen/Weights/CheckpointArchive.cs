using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using CoupleGen.Errors;
using static TorchSharp.torch;

namespace CoupleGen.Weights;

/// <summary>
/// The container of a CoupleGen checkpoint or model file: a zip archive (stored, not compressed) with a JSON
/// manifest that carries the format version, and safetensors entries. What the manifest means beyond its
/// version belongs to the trainer (<c>Training.Checkpoint</c>); reading the generator's weights out of it is a
/// weight format like the others.
/// </summary>
internal static class CheckpointArchive
{
    /// <summary>2: optimizer states as safetensors (CoupleGen's Adam). 1 held TorchSharp's Adam format: still readable for generation, not for resuming.</summary>
    public const int FormatVersion = 2;
    public const int OldestReadableVersion = 1;
    public const string ManifestEntry = "checkpoint.json";
    public const string GeneratorEntry = "generator.safetensors";

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>
    /// Opens an archive and reads its manifest as <typeparamref name="TManifest"/>, checks the format version and
    /// then runs <paramref name="check"/>; every failure becomes a <see cref="CheckpointException"/> naming the file.
    /// </summary>
    public static (ZipArchive Zip, TManifest Manifest) Open<TManifest>(string path, Func<TManifest, int> formatOf, Action<TManifest>? check = null)
        where TManifest : class
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new CheckpointException(path, "the file does not exist.", new FileNotFoundException(null, path));
        }

        ZipArchive? zip = null;
        try
        {
            zip = ZipFile.OpenRead(path);
            ZipArchiveEntry entry = zip.GetEntry(ManifestEntry)
                ?? throw new CheckpointException(path, $"it is a zip archive without '{ManifestEntry}', so not a CoupleGen checkpoint.");
            TManifest? manifest;
            using (Stream stream = entry.Open())
            {
                manifest = JsonSerializer.Deserialize<TManifest>(stream, Json);
            }

            if (manifest is null)
            {
                throw new CheckpointException(path, "its manifest is empty.");
            }

            int format = formatOf(manifest);
            if (format is < OldestReadableVersion or > FormatVersion)
            {
                throw new CheckpointException(path, $"it has format version {format}; this CoupleGen reads versions {OldestReadableVersion} to {FormatVersion}.");
            }

            check?.Invoke(manifest);
            return (zip, manifest);
        }
        catch (CheckpointException)
        {
            zip?.Dispose();
            throw;
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            zip?.Dispose();
            throw new CheckpointException(path, ex is InvalidDataException ? $"it is not a CoupleGen checkpoint or is truncated ({ex.Message})." : ex.Message, ex);
        }
    }

    /// <summary>Reads an entry fully, turning zip and I/O failures into <see cref="CheckpointException"/>.</summary>
    public static T ReadEntry<T>(string path, ZipArchive zip, string name, Func<Stream, long, T> read)
    {
        ZipArchiveEntry entry = zip.GetEntry(name) ?? throw new CheckpointException(path, $"the entry '{name}' is missing.");
        try
        {
            using Stream stream = entry.Open();
            return read(stream, entry.Length);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            throw new CheckpointException(path, $"the entry '{name}' is corrupt or truncated ({ex.Message}).", ex);
        }
    }

    /// <summary>Reads the generator's weights of a checkpoint or model file, under PyTorch's key names.</summary>
    public static Dictionary<string, Tensor> ReadGenerator(string path)
    {
        var (zip, _) = Open<VersionOnly>(path, manifest => manifest.Format);
        using (zip)
        {
            return ReadEntry(path, zip, GeneratorEntry, (stream, length) => SafeTensors.Read(stream, length));
        }
    }

    /// <summary>The part of any manifest that the container itself reads.</summary>
    private sealed record VersionOnly(int Format);
}

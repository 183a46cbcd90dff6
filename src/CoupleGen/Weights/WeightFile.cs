using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using CoupleGen.Errors;
using CoupleGen.Native;
using static TorchSharp.torch;

namespace CoupleGen.Weights;

/// <summary>
/// One entry point for every weight format users hold: safetensors, PyTorch <c>.pth</c> (zip and
/// legacy), NumPy <c>.npy</c> (tensorflow-vgg), ONNX, TorchSharp <c>.dat</c> and CoupleGen
/// checkpoints. The format is detected from the content. Nothing in a file is ever executed:
/// pickles are interpreted against an allow-list of state-dict types.
/// </summary>
public static class WeightFile
{
    /// <summary>Detects the format of a weight file from its first bytes (and, for ONNX and TorchSharp files, its extension).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The format.</returns>
    /// <exception cref="InvalidWeightsException">The file is missing or of no known format.</exception>
    public static WeightFormat Detect(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream file = Open(path);
        return Detect(file, path);
    }

    /// <summary>Reads every tensor of a weight file onto the CPU.</summary>
    /// <param name="path">The file.</param>
    /// <param name="format">The format, or <see cref="WeightFormat.Auto"/> to detect it.</param>
    /// <returns>The tensors, which the caller disposes (dispose the <see cref="WeightDictionary"/>).</returns>
    /// <exception cref="InvalidWeightsException">The file is missing, truncated, corrupt, of another format, or its pickle references code outside the allow-list.</exception>
    public static WeightDictionary Load(string path, WeightFormat format = WeightFormat.Auto)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CoupleGenRuntime.EnsureInitialized();
        using FileStream file = Open(path);
        if (format == WeightFormat.Auto)
        {
            format = Detect(file, path);
        }

        try
        {
            string? producer = null;
            IEnumerable<KeyValuePair<string, Tensor>> tensors = format switch
            {
                WeightFormat.SafeTensors => SafeTensors.Read(file, file.Length),
                WeightFormat.PyTorchZip => PyTorchFile.ReadZip(file),
                WeightFormat.PyTorchLegacy => PyTorchFile.ReadLegacy(file),
                WeightFormat.NumPy => NumpyFile.Read(file, Path.GetFileNameWithoutExtension(path)),
                WeightFormat.Onnx => OnnxFile.ReadInitializers(ReadAll(file), out producer),
                WeightFormat.TorchSharp => TorchSharpFile.Read(file),
                WeightFormat.CoupleGenCheckpoint => CheckpointArchive.ReadGenerator(path),
                _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown weight format."),
            };
            return new WeightDictionary(tensors, path, format, producer);
        }
        catch (Exception ex) when (ex is not (InvalidWeightsException or CheckpointException or OperationCanceledException or OutOfMemoryException or ArgumentOutOfRangeException { ParamName: nameof(format) }))
        {
            // Whatever a malformed file makes a parser throw (format, range, cast, overflow errors)
            // is the file's fault and becomes the one typed exception that names it.
            throw new InvalidWeightsException(path, $"it is not a valid {Describe(format)} file: {ex.Message}", ex);
        }
    }

    /// <summary>Writes tensors as safetensors, atomically (temporary file, then rename).</summary>
    /// <param name="path">The target file.</param>
    /// <param name="tensors">The tensors, from any device.</param>
    /// <param name="metadata">Optional string metadata stored in the header.</param>
    /// <exception cref="IOException">The file cannot be written; an existing file is left intact.</exception>
    public static void SaveSafeTensors(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        IO.AtomicFile.Write(path, stream => SafeTensors.Write(stream, tensors, metadata));
    }

    /// <summary>Writes tensors in PyTorch's zip format, loadable with <c>torch.load</c> and <c>load_state_dict(strict=True)</c>.</summary>
    /// <param name="path">The target file, e.g. <c>latest_net_G.pth</c>.</param>
    /// <param name="tensors">The state dict, e.g. <c>generator.state_dict()</c>.</param>
    /// <exception cref="IOException">The file cannot be written; an existing file is left intact.</exception>
    public static void SavePyTorch(string path, IReadOnlyDictionary<string, Tensor> tensors)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        IO.AtomicFile.Write(path, stream => PyTorchWriter.Write(stream, tensors, Path.GetFileNameWithoutExtension(path)));
    }

    private static FileStream Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidWeightsException(path, "the file does not exist.", new FileNotFoundException(null, path));
        }

        try
        {
            return File.OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidWeightsException(path, ex.Message, ex);
        }
    }

    private static WeightFormat Detect(FileStream file, string path)
    {
        Span<byte> head = stackalloc byte[16];
        int read = file.Read(head);
        head = head[..read];
        file.Position = 0;
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (read >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)
        {
            try
            {
                using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
                if (zip.GetEntry(CheckpointArchive.ManifestEntry) is not null)
                {
                    return WeightFormat.CoupleGenCheckpoint;
                }

                if (zip.Entries.Any(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)))
                {
                    return WeightFormat.PyTorchZip;
                }
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidWeightsException(path, $"it looks like a zip archive but cannot be read ({ex.Message}).", ex);
            }
            finally
            {
                file.Position = 0;
            }

            throw new InvalidWeightsException(path, "it is a zip archive but neither a PyTorch file (no data.pkl) nor a CoupleGen checkpoint.");
        }

        if (NumpyFile.HasMagic(head))
        {
            return WeightFormat.NumPy;
        }

        if (read >= 2 && head[0] == 0x80 && head[1] <= 5)
        {
            if (PyTorchFile.IsLegacy(file))
            {
                return WeightFormat.PyTorchLegacy;
            }

            throw new InvalidWeightsException(path, "it is a Python pickle but not a PyTorch state dict (no legacy magic number); plain pickles are not read.");
        }

        if (read >= 9 && head[8] == '{' && BitConverter.ToUInt64(head) < (ulong)file.Length)
        {
            return WeightFormat.SafeTensors;
        }

        if (extension == ".onnx")
        {
            return WeightFormat.Onnx;
        }

        if (extension == ".dat")
        {
            return WeightFormat.TorchSharp;
        }

        throw new InvalidWeightsException(path, "its format is not recognised; CoupleGen reads safetensors, PyTorch .pth/.pt (zip or legacy), NumPy .npy, ONNX (.onnx), TorchSharp (.dat) and CoupleGen checkpoints.");
    }

    private static byte[] ReadAll(FileStream file)
    {
        if (file.Length > int.MaxValue)
        {
            throw new InvalidDataException("the file is larger than 2 GB; use external-data ONNX files.");
        }

        var data = new byte[file.Length];
        file.ReadExactly(data);
        return data;
    }

    private static string Describe(WeightFormat format) => format switch
    {
        WeightFormat.PyTorchZip => "PyTorch (zip)",
        WeightFormat.PyTorchLegacy => "PyTorch (legacy)",
        WeightFormat.NumPy => ".npy",
        WeightFormat.CoupleGenCheckpoint => "CoupleGen checkpoint",
        _ => format.ToString(),
    };
}

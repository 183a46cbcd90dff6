using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Numerics;
using CoupleGen.Weights.Pickle;
using static TorchSharp.torch;

namespace CoupleGen.Weights;

/// <summary>
/// Reads PyTorch <c>torch.save</c> files without Python and without running their pickles' code:
/// the zip format (PyTorch 1.6+: <c>archive/data.pkl</c> + <c>archive/data/&lt;key&gt;</c>) and the legacy
/// format (a magic-number pickle, a protocol pickle, a system-info pickle, the object pickle, a list
/// of storage keys, then each storage as an int64 count and raw bytes). Nested dicts are flattened
/// into dotted keys.
/// </summary>
internal static class PyTorchFile
{
    private static readonly BigInteger LegacyMagic = BigInteger.Parse("119547037146038801333356", System.Globalization.CultureInfo.InvariantCulture);

    public static Dictionary<string, Tensor> ReadZip(Stream file)
    {
        using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        ZipArchiveEntry pickle = zip.Entries.FirstOrDefault(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal))
            ?? throw new InvalidDataException("the zip archive has no data.pkl, so it is not a PyTorch file.");
        string prefix = pickle.FullName[..^"data.pkl".Length];
        var byteOrder = zip.GetEntry(prefix + "byteorder");
        if (byteOrder is not null)
        {
            using var reader = new StreamReader(byteOrder.Open());
            if (reader.ReadToEnd().Trim() != "little")
            {
                throw new InvalidDataException("the file was saved on a big-endian machine; CoupleGen reads little-endian files only.");
            }
        }

        var storages = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            object? root;
            using (var stream = new MemoryStream())
            {
                using (var entryStream = pickle.Open())
                {
                    entryStream.CopyTo(stream);
                }

                stream.Position = 0;
                root = new PickleReader(stream, id => ZipStorage(id, zip, prefix, storages)).Load();
            }

            return Collect(root, storages);
        }
        finally
        {
            foreach (var storage in storages.Values)
            {
                storage.Dispose();
            }
        }
    }

    public static bool IsLegacy(Stream file)
    {
        long start = file.Position;
        try
        {
            return new PickleReader(file).Load() is BigInteger magic && magic == LegacyMagic;
        }
        catch (InvalidDataException)
        {
            return false;
        }
        finally
        {
            file.Position = start;
        }
    }

    public static Dictionary<string, Tensor> ReadLegacy(Stream file)
    {
        if (new PickleReader(file).Load() is not BigInteger magic || magic != LegacyMagic)
        {
            throw new InvalidDataException("the file does not start with PyTorch's legacy magic number.");
        }

        if (new PickleReader(file).Load() is not long protocol || protocol != 1001)
        {
            throw new InvalidDataException("the file has an unknown legacy protocol version.");
        }

        if (new PickleReader(file).Load() is PyDict info && info.Items.Any(kv => kv.Key is "little_endian" && kv.Value is false))
        {
            throw new InvalidDataException("the file was saved on a big-endian machine; CoupleGen reads little-endian files only.");
        }

        var declared = new Dictionary<string, StorageRef>(StringComparer.Ordinal);
        object? root = new PickleReader(file, id => LegacyStorage(id, declared)).Load();
        if (new PickleReader(file).Load() is not List<object?> keys)
        {
            throw new InvalidDataException("the list of storage keys is missing.");
        }

        var storages = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            Span<byte> countBytes = stackalloc byte[8];
            foreach (object? keyObject in keys)
            {
                string key = keyObject as string ?? throw new InvalidDataException("a storage key is not a string.");
                if (!declared.TryGetValue(key, out StorageRef? storage))
                {
                    throw new InvalidDataException($"storage '{key}' is listed but never used.");
                }

                IO.StreamReading.ReadFully(file, countBytes, $"storage '{key}'");
                long count = BitConverter.ToInt64(countBytes);
                if (count != storage.Count)
                {
                    throw new InvalidDataException($"storage '{key}' declares {storage.Count} elements in the pickle and {count} in the data.");
                }

                long bytes = checked(count * TensorMaterializer.ElementSize(storage.DType));
                if (file.CanSeek && bytes > file.Length - file.Position)
                {
                    throw new InvalidDataException($"storage '{key}' needs {bytes} bytes, more than the rest of the file (truncated).");
                }

                storages[key] = TensorMaterializer.Storage(storage.DType, count, file, key);
            }

            return Collect(root, storages);
        }
        finally
        {
            foreach (var storage in storages.Values)
            {
                storage.Dispose();
            }
        }
    }

    private static StorageRef ZipStorage(PyTuple id, ZipArchive zip, string prefix, Dictionary<string, Tensor> storages)
    {
        StorageRef storage = ParseStorageId(id);
        if (storages.ContainsKey(storage.Key))
        {
            return storage;
        }

        ZipArchiveEntry entry = zip.GetEntry(prefix + "data/" + storage.Key)
            ?? throw new InvalidDataException($"storage '{storage.Key}' is missing from the archive.");
        long expected = checked(storage.Count * TensorMaterializer.ElementSize(storage.DType));
        if (entry.Length != expected)
        {
            throw new InvalidDataException($"storage '{storage.Key}' has {entry.Length} bytes; its header says {expected}.");
        }

        using (Stream stream = entry.Open())
        {
            storages[storage.Key] = TensorMaterializer.Storage(storage.DType, storage.Count, stream, storage.Key);
        }

        return storage;
    }

    private static StorageRef LegacyStorage(PyTuple id, Dictionary<string, StorageRef> declared)
    {
        StorageRef storage = ParseStorageId(id);
        if (id.Items.Length > 5 && id.Items[5] is not null)
        {
            throw new InvalidDataException("the file uses storage views (pre-1.0 PyTorch), which CoupleGen does not read.");
        }

        declared.TryAdd(storage.Key, storage);
        return declared[storage.Key];
    }

    private static StorageRef ParseStorageId(PyTuple id)
    {
        object?[] items = id.Items;
        if (items.Length < 5 || items[0] as string != "storage")
        {
            throw new InvalidDataException("the pickle holds a persistent id that is not a tensor storage.");
        }

        if (!PickleReader.TryGetStorageType(items[1], out PickleDType dtype))
        {
            throw new InvalidDataException($"the storage type '{items[1]}' is not supported.");
        }

        string key = items[2] as string ?? throw new InvalidDataException("a storage key is not a string.");
        long count = PickleReader.AsLong(items[4]);
        if (count < 0)
        {
            throw new InvalidDataException($"storage '{key}' has a negative size.");
        }

        return new StorageRef(dtype, key, count, items[3] as string ?? "cpu");
    }

    private static Dictionary<string, Tensor> Collect(object? root, Dictionary<string, Tensor> storages)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            TensorMaterializer.Flatten(root, string.Empty, (name, leaf) =>
            {
                result[name] = leaf switch
                {
                    TensorRef view => TensorMaterializer.View(view, storages.TryGetValue(view.Storage.Key, out var s) ? s : throw new InvalidDataException($"storage '{view.Storage.Key}' has no data.")),
                    NumpyArray array => TensorMaterializer.Numpy(array, name),
                    _ => throw new InvalidDataException($"'{name}' is not a tensor."),
                };
            });
            return result;
        }
        catch
        {
            foreach (var tensor in result.Values)
            {
                tensor.Dispose();
            }

            throw;
        }
    }
}

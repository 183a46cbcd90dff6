using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CoupleGen.Errors;
using CoupleGen.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace CoupleGen.Data;

/// <summary>
/// Pairs stored side by side in single image files, A on the left and B on the right: pix2pix's
/// aligned datasets (<c>train/1.jpg</c> ...) and CoupleGenerator's layout (<c>&lt;couple-id&gt;/1.jpg, 2.jpg</c>,
/// each 1024x512 with two 512x512 faces; the original trained input = right half, so use
/// <see cref="Training.PairDirection.BToA"/>). Files are decoded on demand with ImageSharp.
/// </summary>
public sealed class PairedImageDataset : IPairedDataset
{
    private static readonly string[] Extensions = { ".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tga", ".tif", ".tiff" };
    private readonly string[] files;
    private readonly string[] groups;

    /// <summary>Initializes a new instance of the <see cref="PairedImageDataset"/> class over explicit files.</summary>
    /// <param name="files">Side-by-side image files.</param>
    /// <param name="groups">One group per file (e.g. a couple id); <see langword="null"/> to use each file's name.</param>
    /// <exception cref="ArgumentException">The lists are empty or differ in length.</exception>
    public PairedImageDataset(IReadOnlyList<string> files, IReadOnlyList<string>? groups = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
        {
            throw new ArgumentException("A dataset needs at least one file.", nameof(files));
        }

        if (groups is not null && groups.Count != files.Count)
        {
            throw new ArgumentException($"{groups.Count} groups were given for {files.Count} files.", nameof(groups));
        }

        this.files = files.ToArray();
        this.groups = groups?.ToArray() ?? files.Select(Path.GetFileNameWithoutExtension).Select(name => name ?? string.Empty).ToArray();
    }

    /// <inheritdoc/>
    public int Count => files.Length;

    /// <summary>Gets the largest width x height of a file this dataset decodes. Default: <see cref="ImageFiles.DefaultMaxPixels"/>.</summary>
    public long MaxPixels { get; init; } = ImageFiles.DefaultMaxPixels;

    /// <summary>Gets the files, in index order.</summary>
    public IReadOnlyList<string> Files => files;

    /// <summary>
    /// Finds every image file under <paramref name="directory"/> (recursively, in ordinal path order).
    /// A file in a subfolder belongs to the group named after that subfolder (CoupleGenerator's couple id);
    /// a file directly in <paramref name="directory"/> is a group of its own.
    /// </summary>
    /// <param name="directory">The dataset root.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="InvalidDatasetException">The folder does not exist or holds no image files.</exception>
    public static PairedImageDataset FromDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new InvalidDatasetException(directory, "the folder does not exist.");
        }

        string root = Path.GetFullPath(directory);
        var found = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        if (found.Count == 0)
        {
            throw new InvalidDatasetException(directory, $"no image files ({string.Join(", ", Extensions)}) were found in it or below it.");
        }

        var groupNames = found.Select(f =>
        {
            string relative = Path.GetRelativePath(root, f);
            string? folder = Path.GetDirectoryName(relative);
            return string.IsNullOrEmpty(folder) ? Path.GetFileNameWithoutExtension(f) : folder.Replace('\\', '/');
        }).ToList();
        return new PairedImageDataset(found, groupNames);
    }

    /// <inheritdoc/>
    public ImagePair GetPair(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        string path = files[index];
        using Image<Rgb24> both = ImageFiles.Load(path, MaxPixels);
        if (both.Width < 2 || both.Width % 2 != 0)
        {
            throw new InvalidImageException(path, $"a side-by-side pair needs an even width; this image is {both.Width}x{both.Height}.");
        }

        int half = both.Width / 2;
        Image<Rgb24> a = both.Clone(x => x.Crop(new Rectangle(0, 0, half, both.Height)));
        Image<Rgb24> b = both.Clone(x => x.Crop(new Rectangle(half, 0, half, both.Height)));
        return new ImagePair(a, b, path);
    }

    /// <inheritdoc/>
    public string GetGroup(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return groups[index];
    }
}

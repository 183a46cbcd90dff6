using System;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace CoupleGen.Data;

/// <summary>
/// Two aligned images of one training example, named as in pix2pix: <see cref="A"/> is the left half
/// of a side-by-side file and <see cref="B"/> the right half. Which one is the input is the trainer's
/// <see cref="Training.PairDirection"/>. The pair owns both images.
/// </summary>
public sealed class ImagePair : IDisposable
{
    /// <summary>Initializes a new instance of the <see cref="ImagePair"/> class, taking ownership of both images.</summary>
    /// <param name="a">The left (A) image.</param>
    /// <param name="b">The right (B) image.</param>
    /// <param name="source">Where the pair came from, for messages.</param>
    /// <exception cref="ArgumentException">The images differ in size.</exception>
    public ImagePair(Image<Rgb24> a, Image<Rgb24> b, string source)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(source);
        if (a.Size() != b.Size())
        {
            throw new ArgumentException($"The two images of pair '{source}' differ in size: {a.Width}x{a.Height} and {b.Width}x{b.Height}.", nameof(b));
        }

        A = a;
        B = b;
        Source = source;
    }

    /// <summary>Gets the left image (A).</summary>
    public Image<Rgb24> A { get; }

    /// <summary>Gets the right image (B).</summary>
    public Image<Rgb24> B { get; }

    /// <summary>Gets where the pair came from (a file path, or a generator and index).</summary>
    public string Source { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}

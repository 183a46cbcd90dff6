using System;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace CoupleGen.Faces;

/// <summary>
/// Where the eyes sit in a framed face and what colour fills the rest: the geometry the model was
/// trained on. Positions are continuous pixel coordinates in a <see cref="Size"/> x <see cref="Size"/>
/// square (pixel (i, j) covers [i, i+1) x [j, j+1)) and scale with the output size.
/// </summary>
public sealed record FaceFraming
{
    /// <summary>
    /// Gets the framing of the CoupleGenerator couple crops (each half of a <c>&lt;id&gt;/1.jpg</c>, 512x512 on red).
    /// Measured with <c>dotnet run --project samples/CoupleGen.Demo -c Release -- measure-framing --data ../shared/data/couples</c>
    /// over both halves of every 1.jpg and 2.jpg (2.jpg holds the same couple with the halves swapped; faces found in 226 of the 236 crops, each padded by a quarter of its side to help the detector with such large faces): medians of the eye centres (mean of landmarks 36-41 and 42-47 found by
    /// <see cref="FaceDetector"/>) and of the border pixels of every crop. See docs/portraits.md for the spread.
    /// </summary>
    /// <remarks>Spread over the crops (standard deviation): eye x and y 9-10 px; eye distance 11 px around its median of 136.3 px; mouth centre at (253.3, 357.4).</remarks>
    public static FaceFraming Training { get; } = new();

    /// <summary>Gets the side of the square the positions refer to. Default: 512.</summary>
    public int Size { get; init; } = 512;

    /// <summary>Gets the centre of the eye on the image's left (the person's right eye). Default: <see cref="Training"/>'s.</summary>
    public PointF LeftEye { get; init; } = new(185.1f, 213.6f);

    /// <summary>Gets the centre of the eye on the image's right (the person's left eye). Default: <see cref="Training"/>'s.</summary>
    public PointF RightEye { get; init; } = new(319.0f, 213.6f);

    /// <summary>Gets the colour that fills the frame where the photo ends. Default: <see cref="Training"/>'s.</summary>
    public Rgb24 Background { get; init; } = new(172, 35, 41);

    /// <summary>Gets the distance between the eye centres at <see cref="Size"/>.</summary>
    public float EyeDistance => DetectedFace.Distance(LeftEye, RightEye);

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (Size is < 16 or > 8192)
        {
            throw new ArgumentOutOfRangeException(nameof(Size), Size, "Size must be between 16 and 8192.");
        }

        if (!Inside(LeftEye) || !Inside(RightEye))
        {
            throw new ArgumentOutOfRangeException(nameof(LeftEye), $"The eyes ({LeftEye}, {RightEye}) must lie inside the {Size}x{Size} frame.");
        }

        if (RightEye.X - LeftEye.X < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(RightEye), RightEye, "RightEye must lie at least a pixel right of LeftEye.");
        }
    }

    /// <summary>Returns the eye positions for a frame of side <paramref name="size"/>.</summary>
    internal (PointF Left, PointF Right) EyesAt(int size)
    {
        float scale = (float)size / Size;
        return (new PointF(LeftEye.X * scale, LeftEye.Y * scale), new PointF(RightEye.X * scale, RightEye.Y * scale));
    }

    private bool Inside(PointF point) => point.X >= 0 && point.Y >= 0 && point.X <= Size && point.Y <= Size;
}

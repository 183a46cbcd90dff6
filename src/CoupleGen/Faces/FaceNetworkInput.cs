using System;
using CoupleGen.Native;
using SixLabors.ImageSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>
/// Turns framed faces into the input of face-api.js's face networks with tensor operations only, so
/// that gradients reach the framed pixels: cut out the box the TinyFaceDetector would give (derived from
/// the framing's eyes), pad it to a centred square with black as face-api.js's padToSquare does, scale it
/// to the network's side and subtract face-api.js's mean colour before dividing by 255.
/// </summary>
/// <remarks>
/// The box is fixed fractions of the eye distance d around the eyes' midpoint: centre
/// (<see cref="BoxCentreX"/> d, <see cref="BoxCentreY"/> d) from the midpoint, size <see cref="BoxWidth"/> d x
/// <see cref="BoxHeight"/> d. Measured by running <see cref="FaceDetector"/> (default options) on framed faces
/// (<see cref="FaceFraming.Training"/>): both 512x512 halves of the 59 CoupleGenerator couple crops
/// (<c>&lt;id&gt;/1.jpg</c>) and the two test portraits framed by <see cref="FaceFramer"/>, each padded by a
/// quarter of its side with the background colour (the detector misses 20 of the 120 unpadded, 6 padded),
/// then taking medians of the 114 largest boxes relative to the framing's nominal eyes. Spread (standard
/// deviation, in eye distances): centre x 0.16, centre y 0.11, width 0.33, height 0.23. At 512x512 the box
/// is about 372x335 pixels from (66, 134).
/// </remarks>
internal static class FaceNetworkInput
{
    /// <summary>The box centre's offset right of the eyes' midpoint, in eye distances.</summary>
    public const float BoxCentreX = 0f;

    /// <summary>The box centre's offset below the eyes' midpoint, in eye distances.</summary>
    public const float BoxCentreY = 0.66f;

    /// <summary>The box width, in eye distances.</summary>
    public const float BoxWidth = 2.78f;

    /// <summary>The box height, in eye distances.</summary>
    public const float BoxHeight = 2.50f;

    /// <summary>face-api.js's mean RGB for the landmark, age/gender and recognition networks.</summary>
    private static readonly float[] MeanRgb = { 122.782f, 117.001f, 104.298f };

    /// <summary>The smallest framed side accepted: below it the face box is a few pixels wide.</summary>
    public const int MinimumSide = 32;

    /// <summary>Checks that <paramref name="framedFaces"/> is a batch of square RGB images.</summary>
    /// <exception cref="ArgumentException">It is not [N, 3, S, S] with N at least 1 and S at least <see cref="MinimumSide"/>.</exception>
    public static void Check(Tensor framedFaces, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(framedFaces, parameterName);
        long[] shape = framedFaces.shape;
        if (shape.Length != 4 || shape[0] < 1 || shape[1] != 3 || shape[2] != shape[3] || shape[2] < MinimumSide)
        {
            throw new ArgumentException(
                $"Framed faces must be a [N, 3, S, S] batch with S >= {MinimumSide}, not [{string.Join(", ", shape)}].", parameterName);
        }
    }

    /// <summary>Checks that an image is a square framed face of at least <see cref="MinimumSide"/> pixels.</summary>
    /// <exception cref="ArgumentException">It is not square or too small.</exception>
    public static void Check(Image image, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(image, parameterName);
        if (image.Width != image.Height || image.Width < MinimumSide)
        {
            throw new ArgumentException(
                $"A framed face must be a square of at least {MinimumSide} pixels, not {image.Width}x{image.Height}; frame photos with FaceFramer.", parameterName);
        }
    }

    /// <summary>The face box in a frame of side <paramref name="side"/>, in whole pixels clipped to the frame (face-api.js clips at the image borders).</summary>
    public static (int Left, int Top, int Right, int Bottom) Box(FaceFraming framing, int side)
    {
        (PointF left, PointF right) = framing.EyesAt(side);
        float distance = DetectedFace.Distance(left, right);
        float centreX = ((left.X + right.X) / 2) + (BoxCentreX * distance);
        float centreY = ((left.Y + right.Y) / 2) + (BoxCentreY * distance);
        float halfWidth = BoxWidth * distance / 2, halfHeight = BoxHeight * distance / 2;
        int x0 = Math.Clamp((int)MathF.Round(centreX - halfWidth), 0, side - 1);
        int y0 = Math.Clamp((int)MathF.Round(centreY - halfHeight), 0, side - 1);
        int x1 = Math.Clamp((int)MathF.Round(centreX + halfWidth), x0 + 1, side);
        int y1 = Math.Clamp((int)MathF.Round(centreY + halfHeight), y0 + 1, side);
        return (x0, y0, x1, y1);
    }

    /// <summary>Crops, pads and scales framed faces [N, 3, S, S] in [-1, 1] to the network's normalized input [N, 3, size, size].</summary>
    public static Tensor Prepare(Tensor framedFaces, FaceFraming framing, int size)
    {
        using var scope = NewDisposeScope();
        (int x0, int y0, int x1, int y1) = Box(framing, (int)framedFaces.shape[3]);
        Tensor face = framedFaces.narrow(2, y0, y1 - y0).narrow(3, x0, x1 - x0);

        // padToSquare(isCenterImage: true): round(diff / 2) after the face, the rest before; -1 is black.
        int width = x1 - x0, height = y1 - y0, diff = Math.Abs(width - height);
        int after = (int)Math.Round(diff / 2.0, MidpointRounding.AwayFromZero), before = diff - after;
        long[] padding = width < height ? new long[] { before, after, 0, 0 } : new long[] { 0, 0, before, after };
        Tensor square = diff == 0 ? face : nn.functional.pad(face, padding, PaddingModes.Constant, -1.0);

        // Antialiased like the canvas or ImageSharp scaling the detector pipeline uses; a plain bilinear
        // scale of a 250-pixel face to 112 would alias.
        Tensor scaled = nn.functional.interpolate(
            square, new long[] { size, size }, mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        return Normalize(scaled).MoveToOuterDisposeScope();
    }

    /// <summary>Maps [-1, 1] to face-api.js's (pixel - mean) / 255, i.e. x / 2 + (0.5 - mean / 255).</summary>
    public static Tensor Normalize(Tensor images)
    {
        using var scope = NewDisposeScope();
        float[] offsets = { 0.5f - (MeanRgb[0] / 255f), 0.5f - (MeanRgb[1] / 255f), 0.5f - (MeanRgb[2] / 255f) };
        Tensor offset = tensor(offsets, new long[] { 1, 3, 1, 1 }).to(images.device);
        return images.mul(Scalars.Half).PlusInPlace(offset).MoveToOuterDisposeScope();
    }
}

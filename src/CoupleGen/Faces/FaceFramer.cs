using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using CoupleGen.Errors;
using CoupleGen.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace CoupleGen.Faces;

/// <summary>
/// Turns any photo with a face into the model's input framing: finds the faces with
/// <see cref="FaceDetector"/>, chooses by <see cref="FaceFramingOptions.Selection"/>, and warps each
/// chosen face with the similarity transform (rotation, uniform scale, shift) that puts its eye centres
/// on <see cref="FaceFraming.LeftEye"/> and <see cref="FaceFraming.RightEye"/>; where the warp leaves the
/// photo, the frame shows <see cref="FaceFraming.Background"/>. With <see cref="FramingBackground.Replace"/>,
/// the photo's background behind the person becomes that colour too (see <see cref="FaceFramingOptions.Background"/>).
/// Safe to call from several threads at once.
/// </summary>
public sealed class FaceFramer : IDisposable
{
    private const float MinimumEyeDistance = 2f;

    private readonly bool ownsDetector;
    private readonly SelfieSegmenter? segmenter;
    private bool disposed;

    /// <summary>Initializes a new instance of the <see cref="FaceFramer"/> class with its own <see cref="FaceDetector"/>.</summary>
    /// <param name="options">How to frame; <see langword="null"/> for <see cref="FaceFramingOptions.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="NativeRuntimeException">libtorch cannot be loaded.</exception>
    public FaceFramer(FaceFramingOptions? options = null)
    {
        Options = options ?? FaceFramingOptions.Default;
        Options.Validate();
        Detector = new FaceDetector(Options.Detector);
        ownsDetector = true;
        try
        {
            segmenter = NewSegmenter(Options);
        }
        catch
        {
            Detector.Dispose();
            throw;
        }
    }

    /// <summary>Initializes a new instance of the <see cref="FaceFramer"/> class that shares a detector; the detector's own options apply, not <see cref="FaceFramingOptions.Detector"/>.</summary>
    /// <param name="detector">The detector; the caller keeps ownership.</param>
    /// <param name="options">How to frame; <see langword="null"/> for <see cref="FaceFramingOptions.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="NativeRuntimeException">With <see cref="FramingBackground.Replace"/>: libtorch cannot be loaded.</exception>
    public FaceFramer(FaceDetector detector, FaceFramingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(detector);
        Options = options ?? FaceFramingOptions.Default;
        Options.Validate();
        Detector = detector;
        segmenter = NewSegmenter(Options);
    }

    /// <summary>Gets the options in use.</summary>
    public FaceFramingOptions Options { get; }

    /// <summary>Gets the detector in use.</summary>
    public FaceDetector Detector { get; }

    /// <summary>Reads a photo (size-checked, upright) and frames its faces.</summary>
    /// <param name="path">The photo.</param>
    /// <returns>The framed faces chosen by <see cref="FaceFramingOptions.Selection"/>, left to right; the caller disposes them.</returns>
    /// <exception cref="InvalidImageException">The file is missing, unreadable, corrupt or too large.</exception>
    /// <exception cref="NoFaceFoundException">The photo holds no face, or none at <see cref="FaceFramingOptions.FaceIndex"/>.</exception>
    public IReadOnlyList<FramedFace> Frame(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using Image<Rgb24> photo = ImageFiles.Load(path);
        return Frame(photo, path);
    }

    /// <summary>Frames the faces of an image.</summary>
    /// <param name="image">The photo; it is not modified.</param>
    /// <param name="name">The image's name in error messages, e.g. its file.</param>
    /// <returns>The framed faces chosen by <see cref="FaceFramingOptions.Selection"/>, left to right; the caller disposes them.</returns>
    /// <exception cref="NoFaceFoundException">The photo holds no face, or none at <see cref="FaceFramingOptions.FaceIndex"/>.</exception>
    /// <exception cref="ObjectDisposedException">The framer was disposed.</exception>
    public IReadOnlyList<FramedFace> Frame(Image image, string name = "image")
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(disposed, this);
        Image<Rgb24> rgb = image as Image<Rgb24> ?? image.CloneAs<Rgb24>();
        try
        {
            // Eyes closer than two pixels give no usable scale or angle; such a detection is noise.
            DetectedFace[] faces = Detector.Detect(rgb).Where(face => face.EyeDistance >= MinimumEyeDistance).ToArray();
            if (faces.Length == 0)
            {
                throw new NoFaceFoundException(name, $"the face detector found no face at confidence {Detector.Options.ScoreThreshold} in the {image.Width}x{image.Height} image. Use a photo with a clearly visible, roughly frontal face, or lower FaceDetectorOptions.ScoreThreshold.");
            }

            IEnumerable<int> chosen = Options.Selection switch
            {
                FaceSelection.All => Enumerable.Range(0, faces.Length),
                FaceSelection.Index when Options.FaceIndex >= faces.Length => throw new NoFaceFoundException(name, $"face {Options.FaceIndex} was asked for (counting from 0, left to right) but the image holds {faces.Length}."),
                FaceSelection.Index => new[] { Options.FaceIndex },
                _ => new[] { Enumerable.Range(0, faces.Length).MaxBy(i => faces[i].Area) },
            };

            var framed = new List<FramedFace>();
            try
            {
                foreach (int index in chosen)
                {
                    framed.Add(FrameFace(rgb, faces[index], index));
                }
            }
            catch
            {
                framed.ForEach(face => face.Dispose());
                throw;
            }

            return framed;
        }
        finally
        {
            if (!ReferenceEquals(rgb, image))
            {
                rgb.Dispose();
            }
        }
    }

    /// <summary>Frames one already detected face of an image.</summary>
    /// <param name="image">The photo the face was found in; it is not modified.</param>
    /// <param name="face">The face.</param>
    /// <returns>The framed face; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The face's eyes are less than two pixels apart.</exception>
    public FramedFace Frame(Image<Rgb24> image, DetectedFace face)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(face);
        if (face.EyeDistance < MinimumEyeDistance)
        {
            throw new ArgumentException($"The eyes are {face.EyeDistance:F1} px apart; framing needs at least {MinimumEyeDistance}.", nameof(face));
        }

        return FrameFace(image, face, index: 0);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        segmenter?.Dispose();
        if (ownsDetector)
        {
            Detector.Dispose();
        }
    }

    /// <summary>
    /// Blends <paramref name="framed"/> onto <paramref name="background"/> with the person probability as alpha:
    /// pixel = alpha * pixel + (1 - alpha) * background, rounded.
    /// </summary>
    internal static void ReplaceBackground(Image<Rgb24> framed, float[] personMask, Rgb24 background)
    {
        framed.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                Span<Rgb24> row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    float alpha = personMask[(y * row.Length) + x];
                    Rgb24 p = row[x];
                    row[x] = new Rgb24(Blend(p.R, background.R, alpha), Blend(p.G, background.G, alpha), Blend(p.B, background.B, alpha));
                }
            }
        });
    }

    private static byte Blend(byte pixel, byte background, float alpha) =>
        (byte)Math.Clamp(MathF.Round(background + (alpha * (pixel - background))), 0f, 255f);

    private static SelfieSegmenter? NewSegmenter(FaceFramingOptions options) =>
        options.Background == FramingBackground.Replace ? new SelfieSegmenter() : null;

    /// <summary>The similarity transform that maps two points onto two others (continuous coordinates).</summary>
    internal static Matrix3x2 Similarity(PointF fromLeft, PointF fromRight, PointF toLeft, PointF toRight)
    {
        // As complex numbers, z -> a z + t with a = (toRight - toLeft) / (fromRight - fromLeft).
        var from = new Complex(fromRight.X - fromLeft.X, fromRight.Y - fromLeft.Y);
        var to = new Complex(toRight.X - toLeft.X, toRight.Y - toLeft.Y);
        Complex a = to / from;
        Complex t = new Complex(toLeft.X, toLeft.Y) - (a * new Complex(fromLeft.X, fromLeft.Y));
        return new Matrix3x2((float)a.Real, (float)a.Imaginary, (float)-a.Imaginary, (float)a.Real, (float)t.Real, (float)t.Imaginary);
    }

    /// <summary>Warps the part of <paramref name="photo"/> that lands in a <paramref name="size"/>² frame; uncovered pixels get <paramref name="background"/>.</summary>
    internal static Image<Rgb24> Warp(Image<Rgb24> photo, Matrix3x2 transform, int size, Rgb24 background)
    {
        Matrix3x2.Invert(transform, out Matrix3x2 inverse);
        Vector2[] corners = { Vector2.Transform(Vector2.Zero, inverse), Vector2.Transform(new Vector2(size, 0), inverse), Vector2.Transform(new Vector2(0, size), inverse), Vector2.Transform(new Vector2(size, size), inverse) };

        // Only the photo region under the frame (plus the resampler's reach) is copied, so a 24-megapixel photo costs no more than a crop.
        const int Margin = 4;
        int left = Math.Clamp((int)Math.Floor(corners.Min(c => c.X)) - Margin, 0, photo.Width);
        int top = Math.Clamp((int)Math.Floor(corners.Min(c => c.Y)) - Margin, 0, photo.Height);
        int right = Math.Clamp((int)Math.Ceiling(corners.Max(c => c.X)) + Margin, 0, photo.Width);
        int bottom = Math.Clamp((int)Math.Ceiling(corners.Max(c => c.Y)) + Margin, 0, photo.Height);
        var frame = new Image<Rgb24>(size, size, background);
        if (right - left < 1 || bottom - top < 1)
        {
            return frame;
        }

        try
        {
            var region = new Rectangle(left, top, right - left, bottom - top);

            // A downscaling affine warp samples a kernel widened by 1/scale around every output pixel; a separable
            // resize to about the output scale first, then a near-unit warp, costs far less for large photos.
            float scale = MathF.Sqrt((transform.M11 * transform.M11) + (transform.M12 * transform.M12));
            int width = region.Width, height = region.Height;
            if (scale < 0.8f)
            {
                width = Math.Max(1, (int)Math.Round(region.Width * scale));
                height = Math.Max(1, (int)Math.Round(region.Height * scale));
            }

            using Image<Rgba32> patch = photo.Clone(x =>
            {
                x.Crop(region);
                if (width != region.Width || height != region.Height)
                {
                    x.Resize(width, height, KnownResamplers.Bicubic);
                }
            }).CloneAs<Rgba32>();

            // Patch pixel indices -> continuous patch coordinates -> photo -> frame -> frame pixel indices (ImageSharp puts pixel centres on integers).
            Matrix3x2 onPatch = Matrix3x2.CreateTranslation(0.5f, 0.5f)
                * Matrix3x2.CreateScale((float)region.Width / width, (float)region.Height / height)
                * Matrix3x2.CreateTranslation(left, top)
                * transform
                * Matrix3x2.CreateTranslation(-0.5f, -0.5f);
            patch.Mutate(x => x.Transform(new Rectangle(0, 0, patch.Width, patch.Height), onPatch, new Size(size, size), KnownResamplers.Bicubic));
            frame.Mutate(x => x.DrawImage(patch, 1f));
            return frame;
        }
        catch
        {
            frame.Dispose();
            throw;
        }
    }

    private FramedFace FrameFace(Image<Rgb24> photo, DetectedFace face, int index)
    {
        (PointF left, PointF right) = Options.Framing.EyesAt(Options.OutputSize);
        Matrix3x2 transform = Similarity(face.LeftEye, face.RightEye, left, right);
        Image<Rgb24> framed = Warp(photo, transform, Options.OutputSize, Options.Framing.Background);
        if (segmenter is not null)
        {
            try
            {
                ReplaceBackground(framed, segmenter.Mask(framed), Options.Framing.Background);
            }
            catch
            {
                framed.Dispose();
                throw;
            }
        }

        return new FramedFace(framed, face, index, transform);
    }
}

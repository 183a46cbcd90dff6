using System;
using System.Numerics;
using CoupleGen.Faces;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace CoupleGen.Generation;

/// <summary>What <see cref="PartnerGenerator.GeneratePortrait(Image)"/> made from a photo: the model's input and its output, with the face they came from.</summary>
public sealed class PortraitResult : IDisposable
{
    private readonly bool inputOnRight;

    internal PortraitResult(Image<Rgb24> framedInput, Image<Rgb24> partner, DetectedFace? face, Matrix3x2? photoToFrame, bool inputOnRight)
    {
        this.inputOnRight = inputOnRight;
        FramedInput = framedInput;
        Partner = partner;
        Face = face;
        PhotoToFrame = photoToFrame;
    }

    /// <summary>Gets the photo as the model saw it: the face framed like the training pairs, ImageSize x ImageSize.</summary>
    public Image<Rgb24> FramedInput { get; }

    /// <summary>Gets the generated partner, ImageSize x ImageSize, in the same framing.</summary>
    public Image<Rgb24> Partner { get; }

    /// <summary>Gets the face found in the photo (photo coordinates), or <see langword="null"/> when framing was off (<see cref="FaceFramingMode.Never"/>).</summary>
    public DetectedFace? Face { get; }

    /// <summary>Gets the similarity transform from photo to frame (continuous pixel coordinates), or <see langword="null"/> when framing was off. Invert it to map points of the partner back onto the photo.</summary>
    public Matrix3x2? PhotoToFrame { get; }

    /// <summary>
    /// Composes the couple in the training pairs' look: both faces side by side, each <paramref name="faceSize"/> square,
    /// the input on the side where the model's input half was (the right for the partner and CoupleGenerator recipes,
    /// the left for pix2pix) and the partner on the other. With <see cref="FramingBackground.Replace"/> both stand on the
    /// training red, as in the pairs.
    /// </summary>
    /// <param name="faceSize">Each face's side in pixels (the image is twice as wide). Default: 512, the training pairs' size.</param>
    /// <returns>A new image the caller disposes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="faceSize"/> is not between 16 and 4096.</exception>
    public Image<Rgb24> ToCouplePortrait(int faceSize = 512)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(faceSize, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(faceSize, 4096);
        var portrait = new Image<Rgb24>(2 * faceSize, faceSize);
        try
        {
            using Image<Rgb24> input = FramedInput.Clone(x => x.Resize(faceSize, faceSize, KnownResamplers.Bicubic));
            using Image<Rgb24> partner = Partner.Clone(x => x.Resize(faceSize, faceSize, KnownResamplers.Bicubic));
            portrait.Mutate(x => x
                .DrawImage(inputOnRight ? partner : input, new Point(0, 0), 1f)
                .DrawImage(inputOnRight ? input : partner, new Point(faceSize, 0), 1f));
            return portrait;
        }
        catch
        {
            portrait.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        FramedInput.Dispose();
        Partner.Dispose();
    }
}

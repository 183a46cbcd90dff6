using System;
using System.Numerics;
using CoupleGen.Faces;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace CoupleGen.Generation;

/// <summary>What <see cref="PartnerGenerator.GeneratePortrait(Image)"/> made from a photo: the model's input and its output, with the face they came from.</summary>
public sealed class PortraitResult : IDisposable
{
    internal PortraitResult(Image<Rgb24> framedInput, Image<Rgb24> partner, DetectedFace? face, Matrix3x2? photoToFrame)
    {
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

    /// <inheritdoc/>
    public void Dispose()
    {
        FramedInput.Dispose();
        Partner.Dispose();
    }
}

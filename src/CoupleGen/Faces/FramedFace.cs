using System;
using System.Numerics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace CoupleGen.Faces;

/// <summary>A face cut out of a photo in the model's framing, with the map between the two.</summary>
public sealed class FramedFace : IDisposable
{
    internal FramedFace(Image<Rgb24> image, DetectedFace face, int index, Matrix3x2 transform)
    {
        Image = image;
        Face = face;
        Index = index;
        Transform = transform;
        Matrix3x2.Invert(transform, out Matrix3x2 inverse);
        InverseTransform = inverse;
    }

    /// <summary>Gets the framed square; disposed with this object.</summary>
    public Image<Rgb24> Image { get; }

    /// <summary>Gets the face as detected in the photo (photo coordinates).</summary>
    public DetectedFace Face { get; }

    /// <summary>Gets the face's position among the photo's faces, counting from 0 left to right.</summary>
    public int Index { get; }

    /// <summary>Gets the similarity transform from photo to frame (continuous pixel coordinates, row-vector convention of <see cref="Vector2.Transform(Vector2, Matrix3x2)"/>).</summary>
    public Matrix3x2 Transform { get; }

    /// <summary>Gets the transform from frame back to photo: maps a point of the framed input or of the generated partner onto the original photo.</summary>
    public Matrix3x2 InverseTransform { get; }

    /// <summary>Maps a photo point into the frame.</summary>
    /// <param name="photoPoint">A point of the photo.</param>
    /// <returns>The point in the frame.</returns>
    public PointF ToFrame(PointF photoPoint) => Vector2.Transform(photoPoint, Transform);

    /// <summary>Maps a point of the frame (or of a partner generated from it, scaled to the frame's size) back into the photo.</summary>
    /// <param name="framePoint">A point of the frame.</param>
    /// <returns>The point in the photo.</returns>
    public PointF ToPhoto(PointF framePoint) => Vector2.Transform(framePoint, InverseTransform);

    /// <inheritdoc/>
    public void Dispose() => Image.Dispose();
}

using System;
using System.Collections.Generic;
using SixLabors.ImageSharp;

namespace CoupleGen.Faces;

/// <summary>
/// One face found by <see cref="FaceDetector"/>, in the coordinates of the image it was found in:
/// continuous pixel coordinates, where pixel (i, j) covers [i, i+1) x [j, j+1), so its centre is (i + 0.5, j + 0.5).
/// </summary>
public sealed class DetectedFace
{
    /// <summary>The number of landmarks, in the iBUG 300-W order (jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67).</summary>
    public const int LandmarkCount = 68;

    /// <summary>Initializes a new instance of the <see cref="DetectedFace"/> class.</summary>
    /// <param name="box">The detector's box; it may reach outside the image.</param>
    /// <param name="score">The detector's confidence in (0, 1).</param>
    /// <param name="landmarks">The <see cref="LandmarkCount"/> landmarks.</param>
    /// <exception cref="ArgumentException"><paramref name="landmarks"/> does not hold <see cref="LandmarkCount"/> points.</exception>
    public DetectedFace(RectangleF box, float score, IReadOnlyList<PointF> landmarks)
    {
        ArgumentNullException.ThrowIfNull(landmarks);
        if (landmarks.Count != LandmarkCount)
        {
            throw new ArgumentException($"A face has {LandmarkCount} landmarks, not {landmarks.Count}.", nameof(landmarks));
        }

        Box = box;
        Score = score;
        Landmarks = landmarks;
        LeftEye = Mean(landmarks, 36, 6);
        RightEye = Mean(landmarks, 42, 6);
        Nose = landmarks[30];
        Mouth = Mean(landmarks, 48, 20);
    }

    /// <summary>Gets the detector's box around the face (brows to chin); it may reach outside the image.</summary>
    public RectangleF Box { get; }

    /// <summary>Gets the detector's confidence, in (0, 1).</summary>
    public float Score { get; }

    /// <summary>Gets the 68 landmarks (iBUG 300-W order).</summary>
    public IReadOnlyList<PointF> Landmarks { get; }

    /// <summary>Gets the centre of the eye on the image's left (the person's right eye): the mean of landmarks 36-41.</summary>
    public PointF LeftEye { get; }

    /// <summary>Gets the centre of the eye on the image's right (the person's left eye): the mean of landmarks 42-47.</summary>
    public PointF RightEye { get; }

    /// <summary>Gets the tip of the nose (landmark 30).</summary>
    public PointF Nose { get; }

    /// <summary>Gets the centre of the mouth: the mean of landmarks 48-67.</summary>
    public PointF Mouth { get; }

    /// <summary>Gets the distance between the eye centres, in pixels.</summary>
    public float EyeDistance => Distance(LeftEye, RightEye);

    /// <summary>Gets the area of <see cref="Box"/>, the measure behind <see cref="FaceSelection.Largest"/>.</summary>
    public float Area => Box.Width * Box.Height;

    internal static float Distance(PointF a, PointF b) => MathF.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));

    private static PointF Mean(IReadOnlyList<PointF> points, int start, int count)
    {
        float x = 0, y = 0;
        for (int i = start; i < start + count; i++)
        {
            x += points[i].X;
            y += points[i].Y;
        }

        return new PointF(x / count, y / count);
    }
}

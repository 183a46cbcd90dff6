using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Imaging;
using CoupleGen.Native;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>
/// Finds faces and their 68 landmarks with face-api.js's pretrained TinyFaceDetector and
/// FaceLandmark68Net, reimplemented as TorchSharp modules on the CPU (no native dependency beyond
/// libtorch; weights are embedded). The pipeline follows face-api.js: the photo is scaled so its
/// longer side is <see cref="FaceDetectorOptions.InputSize"/>, padded to a square at the right or
/// bottom, boxes are decoded from five anchors per cell and filtered by non-maximum suppression; each
/// box is cut out, padded to a centred square, scaled to 112x112 and given to the landmark network.
/// Safe to call from several threads at once; every tensor of a call is disposed before it returns.
/// </summary>
public sealed class FaceDetector : IDisposable
{
    private static readonly float[] DetectorMean = { 117.001f, 114.697f, 97.404f };
    private static readonly float[] LandmarkMean = { 122.782f, 117.001f, 104.298f };
    private static readonly (float Width, float Height)[] Anchors =
    {
        (1.603231f, 2.094468f), (6.041143f, 7.080126f), (2.882459f, 3.518061f), (4.266906f, 5.178857f), (9.041765f, 10.66308f),
    };

    private readonly TinyFaceDetectorNet detector;
    private readonly FaceLandmarkNet landmarks;
    private bool disposed;

    /// <summary>Initializes a new instance of the <see cref="FaceDetector"/> class with the embedded pretrained weights.</summary>
    /// <param name="options">How to detect; <see langword="null"/> for <see cref="FaceDetectorOptions.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="Errors.InvalidWeightsException">The embedded weights are damaged (a broken build).</exception>
    /// <exception cref="Errors.NativeRuntimeException">libtorch cannot be loaded.</exception>
    public FaceDetector(FaceDetectorOptions? options = null)
    {
        Options = options ?? FaceDetectorOptions.Default;
        Options.Validate();
        CoupleGenRuntime.EnsureInitialized();
        detector = new TinyFaceDetectorNet();
        landmarks = new FaceLandmarkNet();
        try
        {
            TfjsModuleLoader.Load(detector, FaceModelWeights.DetectorWeights, FaceModelWeights.DetectorModel);
            TfjsModuleLoader.Load(landmarks, FaceModelWeights.LandmarkWeights, FaceModelWeights.LandmarkModel);
        }
        catch
        {
            detector.Dispose();
            landmarks.Dispose();
            throw;
        }

        detector.eval();
        landmarks.eval();
    }

    /// <summary>Gets the options in use.</summary>
    public FaceDetectorOptions Options { get; }

    /// <summary>Finds every face in an image.</summary>
    /// <param name="image">Any image; it is not modified. Its pixels are used as stored (files loaded with <see cref="Imaging.ImageFiles"/> are already upright).</param>
    /// <returns>The faces ordered left to right by the centre of their box; empty when there is none.</returns>
    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    public IReadOnlyList<DetectedFace> Detect(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        ObjectDisposedException.ThrowIf(disposed, this);
        Image<Rgb24> rgb = image as Image<Rgb24> ?? image.CloneAs<Rgb24>();
        try
        {
            List<RectangleF> boxes = FindBoxes(rgb, out List<float> scores);
            if (boxes.Count == 0)
            {
                return Array.Empty<DetectedFace>();
            }

            return FindLandmarks(rgb, boxes, scores).OrderBy(face => face.Box.X + (face.Box.Width / 2)).ToArray();
        }
        finally
        {
            if (!ReferenceEquals(rgb, image))
            {
                rgb.Dispose();
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        detector.Dispose();
        landmarks.Dispose();
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    private static float Overlap(RectangleF a, RectangleF b)
    {
        float width = Math.Max(0, Math.Min(a.Right, b.Right) - Math.Max(a.Left, b.Left));
        float height = Math.Max(0, Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Top, b.Top));
        float intersection = width * height;
        return intersection / ((a.Width * a.Height) + (b.Width * b.Height) - intersection);
    }

    private List<RectangleF> FindBoxes(Image<Rgb24> image, out List<float> keptScores)
    {
        int side = Options.InputSize;
        double scale = (double)side / Math.Max(image.Width, image.Height);
        int width = Math.Clamp((int)Math.Round(image.Width * scale), 1, side);
        int height = Math.Clamp((int)Math.Round(image.Height * scale), 1, side);
        float[] output;
        int cells;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            Tensor input;
            using (Image<Rgb24> scaled = image.Clone(x => x.Resize(width, height, KnownResamplers.Triangle)))
            {
                input = ImageTensor.ToPaddedBatch(new[] { (scaled, 0, 0) }, side, DetectorMean);
            }

            Tensor result = detector.call(input);
            cells = (int)result.shape[3];
            output = result.data<float>().ToArray();
        }

        var boxes = new List<RectangleF>();
        var scores = new List<float>();
        int area = cells * cells;

        // Decoding as face-api.js's extractBoxes: relative to the scaled photo, then to the original's pixels.
        float toX = (float)side / width * image.Width;
        float toY = (float)side / height * image.Height;
        for (int anchor = 0; anchor < Anchors.Length; anchor++)
        {
            int channel = anchor * 5;
            for (int row = 0; row < cells; row++)
            {
                for (int col = 0; col < cells; col++)
                {
                    int cell = (row * cells) + col;
                    float score = Sigmoid(output[((channel + 4) * area) + cell]);
                    if (score <= Options.ScoreThreshold)
                    {
                        continue;
                    }

                    float centreX = (col + Sigmoid(output[(channel * area) + cell])) / cells;
                    float centreY = (row + Sigmoid(output[((channel + 1) * area) + cell])) / cells;
                    float boxWidth = MathF.Exp(output[((channel + 2) * area) + cell]) * Anchors[anchor].Width / cells;
                    float boxHeight = MathF.Exp(output[((channel + 3) * area) + cell]) * Anchors[anchor].Height / cells;
                    boxes.Add(new RectangleF((centreX - (boxWidth / 2)) * toX, (centreY - (boxHeight / 2)) * toY, boxWidth * toX, boxHeight * toY));
                    scores.Add(score);
                }
            }
        }

        var kept = new List<RectangleF>();
        keptScores = new List<float>();
        foreach (int index in Enumerable.Range(0, boxes.Count).OrderByDescending(i => scores[i]))
        {
            if (kept.All(box => Overlap(box, boxes[index]) <= Options.OverlapThreshold))
            {
                kept.Add(boxes[index]);
                keptScores.Add(scores[index]);
            }
        }

        return kept;
    }

    private List<DetectedFace> FindLandmarks(Image<Rgb24> image, List<RectangleF> boxes, List<float> scores)
    {
        const int side = FaceLandmarkNet.InputSize;
        var crops = new List<(int Index, Rectangle Crop, int Width, int Height, int OffsetX, int OffsetY)>();
        var placed = new List<(Image<Rgb24> Image, int OffsetX, int OffsetY)>();
        float[] output;
        try
        {
            for (int i = 0; i < boxes.Count; i++)
            {
                int left = Math.Max(0, (int)Math.Floor(boxes[i].Left));
                int top = Math.Max(0, (int)Math.Floor(boxes[i].Top));
                int right = Math.Min(image.Width, (int)Math.Ceiling(boxes[i].Right));
                int bottom = Math.Min(image.Height, (int)Math.Ceiling(boxes[i].Bottom));
                if (right - left < 2 || bottom - top < 2)
                {
                    continue;
                }

                var crop = new Rectangle(left, top, right - left, bottom - top);
                double scale = (double)side / Math.Max(crop.Width, crop.Height);
                int width = Math.Clamp((int)Math.Round(crop.Width * scale), 1, side);
                int height = Math.Clamp((int)Math.Round(crop.Height * scale), 1, side);
                int offsetX = (side - width) / 2, offsetY = (side - height) / 2;
                placed.Add((image.Clone(x => x.Crop(crop).Resize(width, height, KnownResamplers.Triangle)), offsetX, offsetY));
                crops.Add((i, crop, width, height, offsetX, offsetY));
            }

            if (crops.Count == 0)
            {
                return new List<DetectedFace>();
            }

            using (no_grad())
            using (var scope = NewDisposeScope())
            {
                output = landmarks.call(ImageTensor.ToPaddedBatch(placed, side, LandmarkMean)).data<float>().ToArray();
            }
        }
        finally
        {
            // The crops are owned here until the batch is built, also when a resize or the network throws.
            placed.ForEach(p => p.Image.Dispose());
        }

        var faces = new List<DetectedFace>(crops.Count);
        for (int f = 0; f < crops.Count; f++)
        {
            var (index, crop, width, height, offsetX, offsetY) = crops[f];
            var points = new PointF[DetectedFace.LandmarkCount];
            for (int p = 0; p < points.Length; p++)
            {
                float x = output[(f * 136) + (2 * p)] * side;
                float y = output[(f * 136) + (2 * p) + 1] * side;
                points[p] = new PointF(crop.X + ((x - offsetX) * crop.Width / width), crop.Y + ((y - offsetY) * crop.Height / height));
            }

            faces.Add(new DetectedFace(boxes[index], scores[index], points));
        }

        return faces;
    }
}

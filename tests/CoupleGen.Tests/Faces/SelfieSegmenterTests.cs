using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using CoupleGen.Errors;
using CoupleGen.Faces;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CoupleGen.Tests.Faces;

/// <summary>
/// The TF.js graph runner on MediaPipe's selfie segmentation against the original TF.js model: the committed
/// <c>selfie_input_256.png</c> and <c>selfie_expected.json</c>, written by
/// tests/fixtures/faces/make_selfie_fixture.mjs (tfjs 4.22, pure-JS CPU backend).
/// </summary>
[Trait("Category", "Unit")]
public class SelfieSegmenterTests
{
    private readonly ITestOutputHelper output;

    public SelfieSegmenterTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void GraphRunnerMatchesTheTfjsModel()
    {
        using JsonDocument expected = JsonDocument.Parse(File.ReadAllText(Fixtures.PathOf("Faces/selfie_expected.json")));
        JsonElement root = expected.RootElement;
        using var segmenter = new SelfieSegmenter();
        using var scope = NewDisposeScope();
        Tensor mask = segmenter.Run(Input("Faces/selfie_input_256.png"));
        Assert.Equal(new long[] { 1, 1, 256, 256 }, mask.shape);

        float largest = root.GetProperty("max").GetSingle();
        double tolerance = 1e-3 * largest;
        float[] pooled = nn.functional.avg_pool2d(mask, 4, 4).data<float>().ToArray();
        float[] expectedPooled = root.GetProperty("pooled4").EnumerateArray().SelectMany(row => row.EnumerateArray().Select(v => v.GetSingle())).ToArray();
        Assert.Equal(64 * 64, expectedPooled.Length);
        double pooledWorst = expectedPooled.Zip(pooled, (e, a) => Math.Abs(e - a)).Max();

        double pixelWorst = 0;
        foreach (JsonElement pixel in root.GetProperty("pixels").EnumerateArray())
        {
            float actual = mask[0, 0, pixel.GetProperty("y").GetInt32(), pixel.GetProperty("x").GetInt32()].item<float>();
            pixelWorst = Math.Max(pixelWorst, Math.Abs(actual - pixel.GetProperty("value").GetSingle()));
        }

        double meanDifference = Math.Abs(mask.mean().item<float>() - root.GetProperty("mean").GetSingle());
        output.WriteLine($"64x64 pooled: max |difference| {pooledWorst:E2}; sampled pixels: {pixelWorst:E2}; mean: {meanDifference:E2}; largest output {largest}");
        Assert.True(pooledWorst <= tolerance, $"pooled mask differs by {pooledWorst:E3}");
        Assert.True(pixelWorst <= tolerance, $"sampled pixels differ by {pixelWorst:E3}");
        Assert.True(meanDifference <= tolerance, $"mean differs by {meanDifference:E3}");
        Assert.Equal(largest, mask.max().item<float>(), 3);
    }

    [Fact]
    public void MaskOfAFramedFaceIsTimedAndLeavesNoLiveTensors()
    {
        using var segmenter = new SelfieSegmenter();
        using Image<Rgb24> framed = FaceImages.Framed(FaceImages.Astronaut);
        float[] first = segmenter.Mask(framed);
        Assert.Equal(512 * 512, first.Length);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(first, segmenter.Mask(framed));
        }

        output.WriteLine($"{watch.Elapsed.TotalMilliseconds / 5:F1} ms per 512x512 mask");
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void AnUnsupportedOpFailsAtLoadNamingIt()
    {
        string json = """
            {"format": "graph-model", "modelTopology": {"node": [
              {"name": "x", "op": "Placeholder", "attr": {"shape": {"shape": {"dim": [{"size": "1"}, {"size": "4"}, {"size": "4"}, {"size": "1"}]}}}},
              {"name": "y", "op": "Erf", "input": ["x"]}]}, "weightsManifest": []}
            """;
        var error = Assert.Throws<InvalidWeightsException>(() => TfjsGraphModel.Load(Encoding.UTF8.GetBytes(json), "tiny.json", _ => throw new InvalidOperationException()));
        Assert.Contains("'Erf'", error.Message, StringComparison.Ordinal);
        Assert.Contains("tiny.json", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, 2, 5, "SAME")]
    [InlineData(3, 2, 6, "SAME")]
    [InlineData(2, 2, 6, "VALID")]
    [InlineData(3, 1, 4, "SAME")]
    public void TransposedConvolutionMatchesTensorFlowsDefinition(int kernel, int stride, int size, string padding)
    {
        // A 1-channel Conv2DBackpropInput against the definition: input pixel (i, j) adds w[ky, kx] at output
        // (i * stride + ky - before, j * stride + kx - before), before = the forward convolution's leading padding.
        int inSize = padding == "SAME" ? (size + stride - 1) / stride : ((size - kernel) / stride) + 1;
        float[] weights = Enumerable.Range(1, kernel * kernel).Select(v => (float)v).ToArray();
        float[] input = Enumerable.Range(0, inSize * inSize).Select(v => (float)((v * 7 % 5) - 2)).ToArray();
        int before = padding == "SAME" ? (int)TfPadding.Amounts(size, kernel, stride).Before : 0;
        var expected = new float[size * size];
        for (int i = 0; i < inSize; i++)
        {
            for (int j = 0; j < inSize; j++)
            {
                for (int ky = 0; ky < kernel; ky++)
                {
                    for (int kx = 0; kx < kernel; kx++)
                    {
                        int y = (i * stride) + ky - before, x = (j * stride) + kx - before;
                        if (y >= 0 && y < size && x >= 0 && x < size)
                        {
                            expected[(y * size) + x] += input[(i * inSize) + j] * weights[(ky * kernel) + kx];
                        }
                    }
                }
            }
        }

        byte[] bin = new[] { 1f, size, size, 1f }.Concat(weights).SelectMany(BitConverter.GetBytes).ToArray();
        string padAttr = Convert.ToBase64String(Encoding.UTF8.GetBytes(padding));
        string json = """
            {"format": "graph-model", "modelTopology": {"node": [
              {"name": "x", "op": "Placeholder", "attr": {"shape": {"shape": {"dim": [{"size": "1"}, {"size": "IN"}, {"size": "IN"}, {"size": "1"}]}}}},
              {"name": "sizes", "op": "Const"}, {"name": "w", "op": "Const"},
              {"name": "y", "op": "Conv2DBackpropInput", "input": ["sizes", "w", "x"], "attr": {"padding": {"s": "PAD"}, "strides": {"list": {"i": ["1", "STRIDE", "STRIDE", "1"]}}}}]},
             "weightsManifest": [{"paths": ["t.bin"], "weights": [{"name": "sizes", "shape": [4], "dtype": "float32"}, {"name": "w", "shape": [KERNEL, KERNEL, 1, 1], "dtype": "float32"}]}]}
            """.Replace("IN", inSize.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("PAD", padAttr, StringComparison.Ordinal)
            .Replace("STRIDE", stride.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("KERNEL", kernel.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        using TfjsGraphModel model = TfjsGraphModel.Load(Encoding.UTF8.GetBytes(json), "t.json", _ => (bin, "t.bin"));
        using var scope = NewDisposeScope();
        float[] actual = model.Run(tensor(input, new long[] { 1, 1, inSize, inSize })).data<float>().ToArray();
        Assert.Equal(expected, actual);
    }

    /// <summary>A committed PNG as [1, 3, H, W] RGB in [0, 1], as human's selfie.ts feeds the model.</summary>
    private static Tensor Input(string name)
    {
        using var image = Image.Load<Rgb24>(Fixtures.PathOf(name));
        var planes = new float[3 * image.Width * image.Height];
        int plane = image.Width * image.Height;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                Rgb24 p = image[x, y];
                planes[(y * image.Width) + x] = p.R / 255f;
                planes[plane + (y * image.Width) + x] = p.G / 255f;
                planes[(2 * plane) + (y * image.Width) + x] = p.B / 255f;
            }
        }

        return tensor(planes, new long[] { 1, 3, image.Height, image.Width });
    }
}

using System;
using CoupleGen.Faces;
using CoupleGen.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CoupleGen.Tests.Faces;

[Trait("Category", "Unit")]
public class FaceEmbedderTests
{
    private readonly ITestOutputHelper output;

    public FaceEmbedderTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void AShiftedBrighterCopyIsCloserThanTheOtherPerson()
    {
        using var embedder = new FaceEmbedder(new FaceAnalysisOptions { Device = CPU });
        using var astronaut = FaceImages.Framed(FaceImages.Astronaut);
        using var hopper = FaceImages.Framed(FaceImages.GraceHopper);

        // 6 pixels right and down (4% of the eye distance) and 15% brighter.
        using var copy = new Image<Rgb24>(512, 512, FaceFraming.Training.Background);
        copy.Mutate(x => x.DrawImage(astronaut, new Point(6, 6), 1f).Brightness(1.15f));

        FaceEmbedding original = embedder.Embed(astronaut);
        FaceEmbedding shifted = embedder.Embed(copy);
        FaceEmbedding other = embedder.Embed(hopper);
        output.WriteLine($"same: cosine {original.CosineSimilarity(shifted):F3} distance {original.Distance(shifted):F3}; other: cosine {original.CosineSimilarity(other):F3} distance {original.Distance(other):F3}");

        Assert.Equal(FaceEmbedding.Length, original.Vector.Length);
        Assert.True(original.CosineSimilarity(shifted) > original.CosineSimilarity(other));
        Assert.True(original.Distance(shifted) < 0.6, "dlib's same-person threshold");
        Assert.True(original.Distance(other) > 0.6, "dlib's same-person threshold");
        Assert.Equal(1.0, original.CosineSimilarity(original), 6);
        Assert.Equal(0.0, original.Distance(original), 6);
    }

    [Fact]
    public void BatchedEqualsSingle()
    {
        using var embedder = new FaceEmbedder(new FaceAnalysisOptions { Device = CPU });
        using var astronaut = FaceImages.Framed(FaceImages.Astronaut);
        using var hopper = FaceImages.Framed(FaceImages.GraceHopper);
        var batched = embedder.Embed(new[] { astronaut, hopper });
        FaceEmbedding[] single = { embedder.Embed(astronaut), embedder.Embed(hopper) };
        for (int i = 0; i < 2; i++)
        {
            Assert.True(single[i].Distance(batched[i]) < 1e-4, $"face {i}: {single[i].Distance(batched[i])}");
        }
    }

    [Fact]
    public void ForwardIsDifferentiable()
    {
        using var embedder = new FaceEmbedder(new FaceAnalysisOptions { Device = CPU });
        using var hopper = FaceImages.Framed(FaceImages.GraceHopper);
        using var scope = NewDisposeScope();
        Tensor input = ImageTensor.ToBatch(new[] { hopper }).requires_grad_(true);
        Tensor descriptor = embedder.Forward(input);
        Assert.Equal(new long[] { 1, FaceEmbedding.Length }, descriptor.shape);
        descriptor.square().sum().backward();
        Tensor grad = input.grad!;
        Assert.NotNull(grad);
        Assert.True(grad.isfinite().all().item<bool>());
        Assert.True(grad.abs().sum().item<float>() > 0, "gradients reach the framed pixels");
    }

    [Fact]
    public void BadInputIsRejectedClearly()
    {
        var embedder = new FaceEmbedder(new FaceAnalysisOptions { Device = CPU });
        using var tiny = new Image<Rgb24>(16, 16);
        using var a = new Image<Rgb24>(128, 128);
        using var b = new Image<Rgb24>(256, 256);
        Assert.Throws<ArgumentNullException>(() => embedder.Embed((Image<Rgb24>)null!));
        Assert.Throws<ArgumentException>(() => embedder.Embed(tiny));
        Assert.Throws<ArgumentException>(() => embedder.Embed(new[] { a, b }));
        Assert.Throws<ArgumentException>(() => new FaceEmbedding(new float[3]));
        embedder.Dispose();
        Assert.Throws<ObjectDisposedException>(() => embedder.Embed(a));
    }
}

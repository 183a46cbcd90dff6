using System;
using System.Linq;
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
public class FaceAttributeEstimatorTests
{
    private readonly ITestOutputHelper output;

    public FaceAttributeEstimatorTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void PortraitsGetPlausibleSexAndAge()
    {
        using var estimator = new FaceAttributeEstimator(new FaceAnalysisOptions { Device = CPU });
        using var astronaut = FaceImages.Framed(FaceImages.Astronaut);
        using var hopper = FaceImages.Framed(FaceImages.GraceHopper);
        FaceAttributes collins = estimator.Estimate(astronaut);
        FaceAttributes grace = estimator.Estimate(hopper);
        output.WriteLine($"astronaut (Eileen Collins): {collins}; Grace Hopper: {grace}");

        // Eileen Collins, about 35 in the photo.
        Assert.Equal(Sex.Female, collins.Sex);
        Assert.InRange(collins.Age, 20, 50);

        // Grace Hopper, about 78 in the photo. face-api.js's original network itself calls this crop male
        // (0.65, see face_networks_expected.json), so only the age is asserted; her sex is a known miss.
        Assert.True(grace.Age > collins.Age + 30, $"Hopper {grace.Age:F1} vs Collins {collins.Age:F1}");
    }

    [Fact]
    public void EstimateAgreesWithTheOriginalNetworkOnTheSameCrop()
    {
        // The committed 112x112 crop was cut from the framed portrait by the same path as Estimate, then
        // rounded to bytes: the two must agree closely with face-api.js's result on that crop.
        using var estimator = new FaceAttributeEstimator(new FaceAnalysisOptions { Device = CPU });
        using var astronaut = FaceImages.Framed(FaceImages.Astronaut);
        FaceAttributes attributes = estimator.Estimate(astronaut);
        Assert.InRange(1 - attributes.MaleProbability, 0.84 - 0.03, 0.84 + 0.03);
        Assert.InRange(attributes.Age, 29.55 - 1.5, 29.55 + 1.5);
    }

    [Fact]
    public void BatchedEqualsSingle()
    {
        using var estimator = new FaceAttributeEstimator(new FaceAnalysisOptions { Device = CPU });
        using var astronaut = FaceImages.Framed(FaceImages.Astronaut);
        using var hopper = FaceImages.Framed(FaceImages.GraceHopper);
        var batched = estimator.Estimate(new[] { astronaut, hopper });
        Assert.Equal(2, batched.Count);
        FaceAttributes[] single = { estimator.Estimate(astronaut), estimator.Estimate(hopper) };
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(single[i].MaleProbability, batched[i].MaleProbability, 4);
            Assert.Equal(single[i].Age, batched[i].Age, 3);
        }
    }

    [Fact]
    public void ForwardIsDifferentiableAndWorksAtOtherSides()
    {
        using var estimator = new FaceAttributeEstimator(new FaceAnalysisOptions { Device = CPU });
        using var astronaut = FaceImages.Framed(FaceImages.Astronaut);
        using var small = astronaut.Clone(x => x.Resize(256, 256));
        using var scope = NewDisposeScope();
        Tensor input = ImageTensor.ToBatch(new[] { small }).requires_grad_(true);
        (Tensor maleLogit, Tensor age) = estimator.Forward(input);
        Assert.Equal(new long[] { 1 }, maleLogit.shape);
        Assert.Equal(new long[] { 1 }, age.shape);
        Assert.True(maleLogit.item<float>() < 0, "the astronaut reads female at 256x256 too");

        // A sex cross-entropy, as a training loss would use it.
        Tensor loss = nn.functional.binary_cross_entropy_with_logits(maleLogit, ones_like(maleLogit));
        loss.backward();
        Tensor grad = input.grad!;
        Assert.NotNull(grad);
        Assert.True(grad.isfinite().all().item<bool>());
        Assert.True(grad.abs().sum().item<float>() > 0, "gradients reach the framed pixels");
    }

    [Fact]
    public void BadInputIsRejectedClearly()
    {
        var estimator = new FaceAttributeEstimator(new FaceAnalysisOptions { Device = CPU });
        using var wide = new Image<Rgb24>(300, 200);
        Assert.Throws<ArgumentNullException>(() => estimator.Estimate((Image<Rgb24>)null!));
        Assert.Contains("square", Assert.Throws<ArgumentException>(() => estimator.Estimate(wide)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => estimator.Estimate(Array.Empty<Image<Rgb24>>()));
        using (var scope = NewDisposeScope())
        {
            Assert.Throws<ArgumentException>(() => estimator.Forward(zeros(1, 3, 64, 48)));
        }

        estimator.Dispose();
        using var square = new Image<Rgb24>(128, 128);
        Assert.Throws<ObjectDisposedException>(() => estimator.Estimate(square));
        estimator.Dispose();
    }
}

using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using CoupleGen.Faces;
using CoupleGen.Imaging;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CoupleGen.Tests.Faces;

/// <summary>
/// The ported networks against face-api.js's original TF.js ones, at the network input: the committed
/// <c>&lt;name&gt;_112.png</c> / <c>_150.png</c> crops and <c>face_networks_expected.json</c>, written by
/// tests/fixtures/faces/make_face_fixtures.mjs running face-api.js 1.7.15 on tfjs 4.22's CPU backend.
/// </summary>
[Trait("Category", "Unit")]
public class FaceNetworkFixtureTests
{
    private static readonly string[] Names = { "astronaut", "grace_hopper" };

    private readonly ITestOutputHelper output;

    public FaceNetworkFixtureTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void AgeGenderNetMatchesTheTfjsModel()
    {
        using JsonDocument expected = Expected();
        using var network = new AgeGenderNet();
        TfjsModuleLoader.Load(network, FaceModelWeights.AgeGenderWeights, FaceModelWeights.AgeGenderModel);
        network.eval();
        foreach (string name in Names)
        {
            JsonElement reference = expected.RootElement.GetProperty("ageGender").GetProperty(name);
            float expectedAge = reference.GetProperty("age").GetSingle();
            float[] expectedLogits = reference.GetProperty("genderLogits").EnumerateArray().Select(v => v.GetSingle()).ToArray();

            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            (Tensor age, Tensor gender) = network.call(Input(name, AgeGenderNet.InputSize));
            float actualAge = age.item<float>();
            float[] actualLogits = gender.data<float>().ToArray();
            output.WriteLine($"{name}: age {actualAge} vs {expectedAge}; logits {string.Join(", ", actualLogits)} vs {string.Join(", ", expectedLogits)}");

            Assert.True(Math.Abs(actualAge - expectedAge) <= 1e-3 * Math.Abs(expectedAge), $"{name}: age {actualAge} vs {expectedAge}");
            AssertClose(expectedLogits, actualLogits, name + " gender logits");
        }
    }

    [Fact]
    public void FaceRecognitionNetMatchesTheTfjsModel()
    {
        using JsonDocument expected = Expected();
        using var network = new FaceRecognitionNet();
        TfjsModuleLoader.Load(network, FaceModelWeights.RecognitionWeights, FaceModelWeights.RecognitionModel);
        network.eval();
        foreach (string name in Names)
        {
            float[] reference = expected.RootElement.GetProperty("recognition").GetProperty(name).EnumerateArray().Select(v => v.GetSingle()).ToArray();

            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            float[] actual = network.call(Input(name, FaceRecognitionNet.InputSize)).data<float>().ToArray();
            Assert.Equal(FaceRecognitionNet.DescriptorLength, reference.Length);
            AssertClose(reference, actual, name + " descriptor");
        }
    }

    private static JsonDocument Expected() => JsonDocument.Parse(File.ReadAllText(Fixtures.PathOf("Faces/face_networks_expected.json")));

    /// <summary>The committed crop, normalized as face-api.js does: (pixel - mean) / 255.</summary>
    private static Tensor Input(string name, int size)
    {
        using var image = FaceImages.Load($"Faces/{name}_{size}.png");
        Assert.Equal(size, image.Width);
        using Tensor batch = ImageTensor.ToBatch(new[] { image });
        return FaceNetworkInput.Normalize(batch);
    }

    private void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double largest = expected.Max(v => Math.Abs(v));
        double worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        output.WriteLine($"{what}: max |difference| {worst:E2}, largest |output| {largest:F4}");
        Assert.True(worst <= 1e-3 * largest, $"{what}: max |difference| {worst:E3} exceeds 1e-3 of {largest:F4}");
    }
}

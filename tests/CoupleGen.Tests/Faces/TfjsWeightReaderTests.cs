using System;
using System.IO;
using System.Linq;
using CoupleGen.Errors;
using CoupleGen.Faces;
using Xunit;

namespace CoupleGen.Tests.Faces;

[Trait("Category", "Unit")]
public class TfjsWeightReaderTests
{
    private static string WeightsFolder => Path.Combine(TestData.RepositoryRoot(), "src", "CoupleGen", "Faces", "Weights");

    [Fact]
    public void TheDetectorWeightsDequantizeToTheManifestsRanges()
    {
        var weights = TfjsWeightReader.ReadFolder(Path.Combine(WeightsFolder, "tiny_face_detector_model-weights_manifest.json"));
        Assert.Equal(19, weights.Count);
        var conv0 = weights["conv0/filters"];
        Assert.Equal(new long[] { 3, 3, 3, 16 }, conv0.Shape);

        // uint8 q -> q * scale + min, so every value lies in [min, min + 255 * scale].
        const double Scale = 0.009007044399485869, Min = -1.2069439495311063;
        Assert.All(conv0.Values, v => Assert.InRange(v, Min - 1e-6, Min + (255 * Scale) + 1e-6));
        Assert.True(conv0.Values.Distinct().Count() > 50);
    }

    [Fact]
    public void ATruncatedBinIsAnInvalidWeightsExceptionNamingTheFile()
    {
        string folder = TestData.NewFolder();
        string manifest = Path.Combine(folder, "tiny_face_detector_model-weights_manifest.json");
        File.Copy(Path.Combine(WeightsFolder, "tiny_face_detector_model-weights_manifest.json"), manifest);
        byte[] bin = File.ReadAllBytes(Path.Combine(WeightsFolder, "tiny_face_detector_model.bin"));
        string truncated = Path.Combine(folder, "tiny_face_detector_model.bin");
        File.WriteAllBytes(truncated, bin.AsSpan(0, bin.Length - 1000).ToArray());

        var error = Assert.Throws<InvalidWeightsException>(() => TfjsWeightReader.ReadFolder(manifest));
        Assert.Equal(truncated, error.Path);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABinWithExtraBytesOrABrokenManifestIsRejected()
    {
        string folder = TestData.NewFolder();
        string manifest = Path.Combine(folder, "tiny_face_detector_model-weights_manifest.json");
        File.Copy(Path.Combine(WeightsFolder, "tiny_face_detector_model-weights_manifest.json"), manifest);
        byte[] bin = File.ReadAllBytes(Path.Combine(WeightsFolder, "tiny_face_detector_model.bin"));
        File.WriteAllBytes(Path.Combine(folder, "tiny_face_detector_model.bin"), bin.Concat(new byte[16]).ToArray());
        Assert.Throws<InvalidWeightsException>(() => TfjsWeightReader.ReadFolder(manifest));

        File.WriteAllText(manifest, "{ not json");
        var error = Assert.Throws<InvalidWeightsException>(() => TfjsWeightReader.ReadFolder(manifest));
        Assert.Equal(manifest, error.Path);

        File.WriteAllText(manifest, """[{"paths": ["../escape.bin"], "weights": []}]""");
        Assert.Throws<InvalidWeightsException>(() => TfjsWeightReader.ReadFolder(manifest));
    }

    [Fact]
    public void WeightsOfAnotherModelDoNotLoadIntoTheDetector()
    {
        var landmarks = TfjsWeightReader.ReadFolder(Path.Combine(WeightsFolder, "face_landmark_68_model-weights_manifest.json"));
        using var detector = new TinyFaceDetectorNet();
        var error = Assert.Throws<InvalidWeightsException>(() => TfjsModuleLoader.Load(detector, landmarks, "face_landmark_68_model"));
        Assert.Equal("face_landmark_68_model", error.Path);
    }
}

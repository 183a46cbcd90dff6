using System;
using System.IO;
using System.Linq;
using CoupleGen.Errors;
using CoupleGen.Models;
using CoupleGen.Models.Interop;
using CoupleGen.Weights;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CoupleGen.Tests.Weights;

[Trait("Category", "Unit")]
public class WeightFileTests
{
    [Theory]
    [InlineData("vgg_narrow.pth", WeightFormat.PyTorchZip)]
    [InlineData("vgg_narrow_legacy.pth", WeightFormat.PyTorchLegacy)]
    [InlineData("vgg_narrow.safetensors", WeightFormat.SafeTensors)]
    [InlineData("vgg_narrow_tf.npy", WeightFormat.NumPy)]
    [InlineData("vgg_narrow.onnx", WeightFormat.Onnx)]
    public void DetectsEveryFormat(string file, WeightFormat format) =>
        Assert.Equal(format, WeightFile.Detect(Fixtures.PathOf(file)));

    [Fact]
    public void ZipLegacyAndSafetensorsHoldTheSameTensors()
    {
        using var zip = WeightFile.Load(Fixtures.PathOf("vgg_narrow.pth"));
        using var legacy = WeightFile.Load(Fixtures.PathOf("vgg_narrow_legacy.pth"));
        using var safetensors = WeightFile.Load(Fixtures.PathOf("vgg_narrow.safetensors"));
        Assert.Equal(28, zip.Count);
        Assert.Equal(new long[] { 4, 3, 3, 3 }, zip["features.0.weight"].shape);
        foreach (var (key, tensor) in zip)
        {
            Assert.True(tensor.eq(legacy[key]).all().item<bool>(), key);
            Assert.True(tensor.eq(safetensors[key]).all().item<bool>(), key);
        }
    }

    [Theory]
    [InlineData("views.pth")]
    [InlineData("views_legacy.pth")]
    public void TensorsSharingOneStorageKeepTheirOwnValues(string file)
    {
        using var grid = torch.arange(24, dtype: ScalarType.Float32).reshape(4, 6);
        using var weights = WeightFile.Load(Fixtures.PathOf(file));

        // Read after loading, when the reader has disposed its storages: shared memory must outlive them.
        Assert.True(weights["whole"].equal(grid).all().item<bool>());
        using var row = grid.select(0, 1);
        Assert.True(weights["row"].equal(row).all().item<bool>());
        using var column = grid.select(1, 2);
        Assert.True(weights["column"].equal(column).all().item<bool>());
        using var transposed = grid.t();
        Assert.True(weights["transposed"].equal(transposed).all().item<bool>());
        Assert.Equal(7L, weights["steps"].item<long>());
    }

    [Fact]
    public void LoadingIntoAModuleLeavesNoTemporaryTensors()
    {
        using var weights = WeightFile.Load(Fixtures.PathOf("tiny_unet_batch.pth"));
        using var generator = Pix2PixWeights.LoadGenerator(Fixtures.PathOf("tiny_unet_batch.pth"));
        using var scope = torch.NewDisposeScope();
        ModuleWeights.Load(generator, weights);
        Assert.Equal(0, scope.DisposablesCount);
    }

    [Fact]
    public void NumpyArraysAreRead()
    {
        using var input = WeightFile.Load(Fixtures.PathOf("tiny_unet_batch_input.npy"));
        Assert.Equal(new long[] { 2, 3, 32, 32 }, input["tiny_unet_batch_input"].shape);
    }

    [Fact]
    public void TensorflowVggDictIsReadWithLatin1Payloads()
    {
        using var tf = WeightFile.Load(Fixtures.PathOf("vgg_narrow_tf.npy"));
        using var torchvision = WeightFile.Load(Fixtures.PathOf("vgg_narrow.pth"));
        Assert.Equal(new long[] { 3, 3, 3, 4 }, tf["conv1_1.0"].shape);
        using var oihw = tf["conv1_1.0"].permute(3, 2, 0, 1);
        Assert.True(oihw.eq(torchvision["features.0.weight"]).all().item<bool>());
        Assert.True(tf["conv5_3.1"].eq(torchvision["features.28.bias"]).all().item<bool>());
    }

    [Fact]
    public void OnnxInitializersAreReadInFileOrder()
    {
        using var onnx = WeightFile.Load(Fixtures.PathOf("vgg_narrow.onnx"));
        using var torchvision = WeightFile.Load(Fixtures.PathOf("vgg_narrow.pth"));
        var convolutions = onnx.Order.Where(k => onnx[k].dim() == 4).ToList();
        Assert.Equal(13, convolutions.Count);
        Assert.True(onnx[convolutions[0]].eq(torchvision["features.0.weight"]).all().item<bool>());
    }

    [Fact]
    public void SafetensorsRoundTrip()
    {
        string path = Path.Combine(TestData.NewFolder(), "g.safetensors");
        using var generator = new UnetGenerator(new UnetGeneratorOptions { Downsamplings = 5, Filters = 4 });
        WeightFile.SaveSafeTensors(path, generator.state_dict());
        using var loaded = WeightFile.Load(path);
        foreach (var (key, tensor) in generator.state_dict())
        {
            Assert.True(tensor.eq(loaded[key]).all().item<bool>(), key);
        }
    }

    [Fact]
    public void TorchSharpDatFilesAreRead()
    {
        string path = Path.Combine(TestData.NewFolder(), "g.dat");
        using var generator = new UnetGenerator(new UnetGeneratorOptions { Downsamplings = 5, Filters = 4 });
        generator.save(path);
        Assert.Equal(WeightFormat.TorchSharp, WeightFile.Detect(path));
        using var loaded = WeightFile.Load(path);
        using var copy = new UnetGenerator(new UnetGeneratorOptions { Downsamplings = 5, Filters = 4 });
        ModuleWeights.Load(copy, loaded);
        foreach (var (key, tensor) in generator.state_dict())
        {
            Assert.True(tensor.eq(copy.state_dict()[key]).all().item<bool>(), key);
        }
    }

    [Theory]
    [InlineData("evil.pth")]
    [InlineData("evil_legacy.pth")]
    public void MaliciousPicklesAreRefusedWithoutRunningCode(string file)
    {
        string marker = "/tmp/couplegen-pickle-ran";
        File.Delete(marker);
        var error = Assert.Throws<InvalidWeightsException>(() => WeightFile.Load(Fixtures.PathOf(file)));
        Assert.Contains("allow-list", error.Message, StringComparison.Ordinal);
        Assert.Contains("system", error.Message, StringComparison.Ordinal);
        Assert.Equal(Fixtures.PathOf(file), error.Path);
        Assert.False(File.Exists(marker));
    }

    [Theory]
    [InlineData("vgg_narrow.pth")]
    [InlineData("vgg_narrow_legacy.pth")]
    [InlineData("vgg_narrow.safetensors")]
    [InlineData("vgg_narrow_tf.npy")]
    [InlineData("vgg_narrow.onnx")]
    public void TruncatedFilesGiveTypedErrorsNamingTheFile(string file)
    {
        byte[] bytes = File.ReadAllBytes(Fixtures.PathOf(file));
        string folder = TestData.NewFolder();
        foreach (int length in new[] { 1, 20, bytes.Length / 3, bytes.Length - 7 })
        {
            string truncated = Path.Combine(folder, $"{length}-{file}");
            File.WriteAllBytes(truncated, bytes.AsSpan(0, length).ToArray());
            var error = Assert.Throws<InvalidWeightsException>(() => WeightFile.Load(truncated).Dispose());
            Assert.Equal(truncated, error.Path);
        }
    }

    [Fact]
    public void UnknownAndMissingFilesGiveTypedErrors()
    {
        string folder = TestData.NewFolder();
        string text = Path.Combine(folder, "weights.bin");
        File.WriteAllText(text, "hello, not weights");
        Assert.Contains("not recognised", Assert.Throws<InvalidWeightsException>(() => WeightFile.Load(text)).Message, StringComparison.Ordinal);
        string missing = Path.Combine(folder, "none.pth");
        Assert.Equal(missing, Assert.Throws<InvalidWeightsException>(() => WeightFile.Load(missing)).Path);
    }

    [Fact]
    public void StrictLoadingListsMissingUnexpectedAndMismatchedKeys()
    {
        using var weights = WeightFile.Load(Fixtures.PathOf("tiny_unet_batch.pth"));
        using var wrong = new UnetGenerator(new UnetGeneratorOptions { Downsamplings = 6, Filters = 4 });
        var error = Assert.Throws<InvalidWeightsException>(() => ModuleWeights.Load(wrong, weights));
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
        Assert.Equal(Fixtures.PathOf("tiny_unet_batch.pth"), error.Path);

        using var wider = new UnetGenerator(new UnetGeneratorOptions { Downsamplings = 5, Filters = 8 });
        Assert.Contains("model.model.0.weight", Assert.Throws<InvalidWeightsException>(() => ModuleWeights.Load(wider, weights)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonFiniteWeightsAreRefused()
    {
        string path = Path.Combine(TestData.NewFolder(), "nan.safetensors");
        using var generator = new UnetGenerator(new UnetGeneratorOptions { Downsamplings = 5, Filters = 4 });
        var state = generator.state_dict();
        using (torch.no_grad())
        {
            state["model.model.0.weight"][0, 0, 0, 0] = float.NaN;
        }

        WeightFile.SaveSafeTensors(path, state);
        using var loaded = WeightFile.Load(path);
        using var target = new UnetGenerator(new UnetGeneratorOptions { Downsamplings = 5, Filters = 4 });
        Assert.Contains("NaN", Assert.Throws<InvalidWeightsException>(() => ModuleWeights.Load(target, loaded)).Message, StringComparison.Ordinal);
    }
}

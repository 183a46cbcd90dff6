using System;
using System.IO;
using System.IO.Compression;
using CoupleGen.Data;
using CoupleGen.Errors;
using CoupleGen.Generation;
using CoupleGen.Models;
using CoupleGen.Training;
using TorchSharp;
using Xunit;

namespace CoupleGen.Tests.Training;

[Trait("Category", "Unit")]
public class CheckpointTests
{
    [Fact]
    public void RoundTripsWeightsBuffersAndOptions()
    {
        string path = Path.Combine(TestData.NewFolder(), "sub", "model.ckpt");
        using var trainer = new Pix2PixTrainer(TestData.TinyOptions() with { MaxSteps = 2 });
        trainer.Train(new SyntheticCoupleDataset(8, 32));
        trainer.SaveCheckpoint(path);

        using var resumed = Pix2PixTrainer.Resume(path, device: torch.CPU);
        Assert.Equal(trainer.Options with { Device = null }, resumed.Options with { Device = null });
        var expected = trainer.Generator.state_dict();
        foreach (var (key, tensor) in resumed.Generator.state_dict())
        {
            Assert.True(tensor.eq(expected[key]).all().item<bool>(), key);
        }

        var expectedD = trainer.Discriminator.state_dict();
        foreach (var (key, tensor) in resumed.Discriminator.state_dict())
        {
            Assert.True(tensor.eq(expectedD[key]).all().item<bool>(), key);
        }
    }

    [Fact]
    public void AFailedWriteKeepsThePreviousCheckpoint()
    {
        string folder = TestData.NewFolder();
        string path = Path.Combine(folder, "model.ckpt");
        using var trainer = new Pix2PixTrainer(TestData.TinyOptions());
        trainer.SaveCheckpoint(path);
        byte[] before = File.ReadAllBytes(path);

        // A directory where the temporary file would go makes the write fail midway.
        Assert.ThrowsAny<Exception>(() => trainer.SaveCheckpoint(Path.Combine(path, "cannot-be-a-folder.ckpt")));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(folder));
    }

    [Fact]
    public void MissingFileIsACheckpointExceptionWithThePath()
    {
        string path = Path.Combine(TestData.NewFolder(), "nope.ckpt");
        var error = Assert.Throws<CheckpointException>(() => PartnerGenerator.FromCheckpoint(path));
        Assert.Equal(path, error.Path);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GarbageFileIsACheckpointException()
    {
        string path = Path.Combine(TestData.NewFolder(), "garbage.ckpt");
        File.WriteAllBytes(path, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 });
        var error = Assert.Throws<CheckpointException>(() => PartnerGenerator.FromCheckpoint(path));
        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void TruncatedCheckpointIsACheckpointException()
    {
        string folder = TestData.NewFolder();
        string path = Path.Combine(folder, "whole.ckpt");
        TestData.SaveTinyCheckpoint(path);

        byte[] bytes = File.ReadAllBytes(path);
        foreach (int length in new[] { 0, 100, bytes.Length / 2, bytes.Length - 10 })
        {
            string truncated = Path.Combine(folder, $"truncated-{length}.ckpt");
            File.WriteAllBytes(truncated, bytes.AsSpan(0, length).ToArray());
            var error = Assert.Throws<CheckpointException>(() => PartnerGenerator.FromCheckpoint(truncated));
            Assert.Equal(truncated, error.Path);
        }
    }

    [Fact]
    public void WeightsForAnotherArchitectureAreRejectedWithTheMismatch()
    {
        string folder = TestData.NewFolder();
        string path = Path.Combine(folder, "mixed.ckpt");
        TestData.SaveTinyCheckpoint(path);

        // Swap in a generator with more filters while the manifest still describes 8.
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        using (var wider = new UnetGenerator(new UnetGeneratorOptions { Downsamplings = 5, Filters = 16 }))
        {
            zip.GetEntry("generator.safetensors")!.Delete();
            using var stream = zip.CreateEntry("generator.safetensors").Open();
            CoupleGen.Weights.SafeTensors.Write(stream, wider.state_dict());
        }

        var error = Assert.Throws<CheckpointException>(() => PartnerGenerator.FromCheckpoint(path));
        Assert.Contains("model.model.0.weight", error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void AZipThatIsNotACheckpointIsRejected()
    {
        string path = Path.Combine(TestData.NewFolder(), "other.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            zip.CreateEntry("readme.txt");
        }

        var error = Assert.Throws<CheckpointException>(() => PartnerGenerator.FromCheckpoint(path));
        Assert.Contains("not a CoupleGen checkpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANonFiniteWeightStopsTheStreamingLoadWithItsName()
    {
        string path = Path.Combine(TestData.NewFolder(), "nan.ckpt");
        TestData.SaveTinyCheckpoint(path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        using (var generator = new UnetGenerator(new UnetGeneratorOptions { Downsamplings = 5, Filters = 8 }))
        {
            var state = generator.state_dict();
            using (torch.no_grad())
            {
                state["model.model.1.model.1.weight"][0, 0, 0, 0] = float.PositiveInfinity;
            }

            zip.GetEntry("generator.safetensors")!.Delete();
            using var stream = zip.CreateEntry("generator.safetensors").Open();
            CoupleGen.Weights.SafeTensors.Write(stream, state);
        }

        var error = Assert.Throws<CheckpointException>(() => PartnerGenerator.FromCheckpoint(path));
        Assert.Contains("model.model.1.model.1.weight", error.Message, StringComparison.Ordinal);
        Assert.Contains("NaN or infinite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadingACheckpointLeavesNoTemporaryTensors()
    {
        string path = Path.Combine(TestData.NewFolder(), "tiny.ckpt");
        TestData.SaveTinyCheckpoint(path);
        using var generator = new UnetGenerator(new UnetGeneratorOptions { Downsamplings = 5, Filters = 8 });
        var (zip, _) = Checkpoint.Open(path);
        using (zip)
        using (var scope = torch.NewDisposeScope())
        {
            Checkpoint.LoadStateDict(path, zip, Checkpoint.GeneratorEntry, generator);
            Assert.Equal(0, scope.DisposablesCount);
        }
    }

    [Fact]
    public void ASafetensorsHeaderNamingATensorTwiceIsRejected()
    {
        string path = Path.Combine(TestData.NewFolder(), "twice.safetensors");
        byte[] header = System.Text.Encoding.UTF8.GetBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}");
        using (var file = File.Create(path))
        {
            file.Write(BitConverter.GetBytes((ulong)header.Length));
            file.Write(header);
            file.Write(new byte[8]);
        }

        var error = Assert.Throws<InvalidWeightsException>(() => CoupleGen.Weights.WeightFile.Load(path));
        Assert.Contains("more than once", error.Message, StringComparison.Ordinal);
    }
}

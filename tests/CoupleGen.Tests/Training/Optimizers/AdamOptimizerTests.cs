using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using CoupleGen.Errors;
using CoupleGen.Generation;
using CoupleGen.Training;
using CoupleGen.Training.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace CoupleGen.Tests.Training.Optimizers;

[Trait("Category", "Unit")]
public class AdamOptimizerTests
{
    [Fact]
    public void StepsEqualTorchOptimAdam()
    {
        torch.manual_seed(11);
        using var initial = torch.randn(3, 5);
        using var ours = new Parameter(initial.clone());
        using var theirs = new Parameter(initial.clone());
        using var adam = new AdamOptimizer(new[] { ours }, 2e-4, 0.5, 0.999);
        using var reference = torch.optim.Adam(new[] { theirs }, 2e-4, 0.5, 0.999);
        for (int step = 0; step < 20; step++)
        {
            using var gradient = torch.randn(3, 5) * (step + 1);
            adam.ZeroGrad();
            reference.zero_grad();
            using (var loss = (ours * gradient).sum())
            {
                loss.backward();
            }

            using (var loss = (theirs * gradient).sum())
            {
                loss.backward();
            }

            if (step == 10)
            {
                // As the linear decay does: the fused kernel must see the new rate.
                adam.LearningRate = 5e-5;
                reference.ParamGroups.First().LearningRate = 5e-5;
            }

            adam.Step();
            reference.step();
        }

        double difference = (ours - theirs).abs().max().item<float>();
        Assert.True(difference < 1e-6, $"max difference {difference}");
        Assert.True(adam.UsesFusedKernel, "libtorch's fused Adam ran on the CPU");
        Assert.True((ours - initial).abs().max().item<float>() > 1e-3, "the parameter moved");
        Assert.Equal(20, adam.Steps);
    }

    [Fact]
    public void ZeroGradClearsGradientsSoTheNextBackwardStartsFresh()
    {
        using var weight = new Parameter(torch.ones(4));
        using var adam = new AdamOptimizer(new[] { weight }, 2e-4, 0.5, 0.999);
        using (var loss = weight.mul(3).sum())
        {
            loss.backward();
        }

        adam.ZeroGrad();
        Assert.Null(weight.grad);
        using (var loss = weight.mul(2).sum())
        {
            loss.backward();
        }

        using var gradient = weight.grad!;
        Assert.Equal(new[] { 2f, 2f, 2f, 2f }, gradient.data<float>().ToArray());
    }

    [Fact]
    public void StepsLeaveNoLiveTensorsBehind()
    {
        using var weight = new Parameter(torch.randn(3, 5));
        using var adam = new AdamOptimizer(new[] { weight }, 2e-4, 0.5, 0.999);
        using var gradient = torch.randn(3, 5);
        void Step()
        {
            adam.ZeroGrad();
            using var product = weight * gradient;
            using var loss = product.sum();
            loss.backward();
            adam.Step();
        }

        Step();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 10; i++)
        {
            Step();
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void SavedStateContinuesExactly()
    {
        torch.manual_seed(12);
        using var initial = torch.randn(4);
        using var a = new Parameter(initial.clone());
        using var b = new Parameter(initial.clone());
        using var first = new AdamOptimizer(new[] { a }, 1e-2, 0.9, 0.999);
        using var second = new AdamOptimizer(new[] { b }, 1e-2, 0.9, 0.999);
        using var gradient = torch.randn(4);
        void Step(Parameter p, AdamOptimizer o)
        {
            o.ZeroGrad();
            using var loss = (p * gradient).sum();
            loss.backward();
            o.Step();
        }

        Step(a, first);
        Step(a, first);
        using var saved = new MemoryStream();
        first.Save(saved);
        Step(a, first);

        Step(b, second);
        Step(b, second);
        saved.Position = 0;
        second.Load(saved, "test.ckpt");
        Step(b, second);
        Assert.True(a.eq(b).all().item<bool>());
        Assert.Equal(3, second.Steps);

        using var wrong = new Parameter(torch.zeros(5));
        using var mismatch = new AdamOptimizer(new[] { wrong }, 1e-2, 0.9, 0.999);
        saved.Position = 0;
        var error = Assert.Throws<CheckpointException>(() => mismatch.Load(saved, "test.ckpt"));
        Assert.Contains("test.ckpt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FormatOneCheckpointsStillGenerateButCannotBeResumed()
    {
        string path = Path.Combine(TestData.NewFolder(), "old.ckpt");
        TestData.SaveTinyCheckpoint(path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            ZipArchiveEntry manifest = zip.GetEntry("checkpoint.json")!;
            string json;
            using (var reader = new StreamReader(manifest.Open()))
            {
                json = reader.ReadToEnd();
            }

            manifest.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("checkpoint.json").Open());
            writer.Write(json.Replace("\"Format\": 2", "\"Format\": 1", StringComparison.Ordinal));
        }

        var error = Assert.Throws<CheckpointException>(() => Pix2PixTrainer.Resume(path, device: torch.CPU));
        Assert.Contains("format version 1", error.Message, StringComparison.Ordinal);
        using var generator = PartnerGenerator.FromCheckpoint(path);
        Assert.True(generator.ImageSize > 0);
    }
}

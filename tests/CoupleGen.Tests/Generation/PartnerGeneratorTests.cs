using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using CoupleGen.Data;
using CoupleGen.Errors;
using CoupleGen.Generation;
using CoupleGen.Precision;
using CoupleGen.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;
using Xunit;

namespace CoupleGen.Tests.Generation;

[Trait("Category", "Unit")]
public sealed class PartnerGeneratorTests : TinyGeneratorTests
{
    [Fact]
    public void MatchesTheTrainersEvaluationModeOutput()
    {
        using var generator = FromTrainer(new PartnerGeneratorOptions { Precision = InferencePrecision.Fp32 });
        using var pair = new SyntheticCoupleDataset(1, 32).GetPair(0);
        using var expected = CoupleGen.Imaging.ImageTensor.ToImage(Trainer.Predict(CoupleGen.Imaging.ImageTensor.ToTensor(pair.A).unsqueeze(0))[0]);
        using var actual = generator.Generate(pair.A);
        Assert.Equal(Pixels(expected), Pixels(actual));
    }

    [Fact]
    public void Bf16StaysWithinAFewLevelsOfFp32AndAutoFollowsTheCpu()
    {
        using var auto = FromTrainer();
        Assert.Equal(CoupleGen.Native.CpuFeatures.HasNativeBFloat16 ? InferencePrecision.Bf16 : InferencePrecision.Fp32, auto.Precision);
        using var full = FromTrainer(new PartnerGeneratorOptions { Precision = InferencePrecision.Fp32 });
        using var reduced = FromTrainer(new PartnerGeneratorOptions { Precision = InferencePrecision.Bf16 });
        Assert.Equal(InferencePrecision.Bf16, reduced.Precision);
        var dataset = new SyntheticCoupleDataset(4, 32);
        int worst = 0;
        long total = 0, count = 0, differing = 0;
        for (int i = 0; i < dataset.Count; i++)
        {
            using var pair = dataset.GetPair(i);
            using var a = full.Generate(pair.A);
            using var b = reduced.Generate(pair.A);
            byte[] pa = Pixels(a), pb = Pixels(b);
            for (int p = 0; p < pa.Length; p++)
            {
                int d = Math.Abs(pa[p] - pb[p]);
                worst = Math.Max(worst, d);
                total += d;
                differing += d > 0 ? 1 : 0;
                count++;
            }
        }

        Console.WriteLine($"bf16 vs fp32: max {worst} levels, mean {(double)total / count:F3}, {100.0 * differing / count:F1}% of values differ");
        Assert.True(differing > 0, "bf16 really ran (some values differ)");
        Assert.True(worst <= 8, $"max difference {worst} levels");
        Assert.True((double)total / count <= 1.0, $"mean difference {(double)total / count} levels");
    }

    [Fact]
    public void AnySizeAndPixelTypeGivesAnImageSizeSquare()
    {
        using var generator = FromTrainer();
        using var wide = new Image<Rgba32>(120, 45, new Rgba32(200, 40, 40, 255));
        using var tiny = new Image<L8>(7, 9, new L8(128));
        using var partnerOfWide = generator.Generate(wide);
        using var partnerOfTiny = generator.Generate(tiny);
        Assert.Equal(new Size(32, 32), partnerOfWide.Size());
        Assert.Equal(new Size(32, 32), partnerOfTiny.Size());
    }

    [Fact]
    public void BatchOverloadEqualsSingleCalls()
    {
        using var generator = FromTrainer(new PartnerGeneratorOptions { MaxBatchSize = 2 });
        var dataset = new SyntheticCoupleDataset(5, 32);
        var inputs = Enumerable.Range(0, 5).Select(i => (Image)dataset.GetPair(i).A).ToList();
        var batch = generator.Generate(inputs);
        Assert.Equal(5, batch.Count);
        for (int i = 0; i < inputs.Count; i++)
        {
            using var single = generator.Generate(inputs[i]);
            Assert.Equal(Pixels(single), Pixels(batch[i]));
        }
    }

    [Fact]
    public void HundredCallsLeaveNoLiveTensors()
    {
        using var generator = FromTrainer();
        using var face = new SyntheticCoupleDataset(1, 32).GetPair(0);
        generator.Generate(face.A).Dispose();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 100; i++)
        {
            generator.Generate(face.A).Dispose();
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void ConcurrentCallsGiveTheSequentialResults()
    {
        using var generator = FromTrainer();
        var dataset = new SyntheticCoupleDataset(8, 32);
        var faces = Enumerable.Range(0, 8).Select(i => dataset.GetPair(i).A).ToArray();
        var sequential = faces.Select(f => Pixels(generator.Generate(f))).ToArray();
        var parallel = new byte[8][];
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => parallel[i % 8] = Pixels(generator.Generate(faces[i % 8])));
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(sequential[i], parallel[i]);
        }
    }

    [Fact]
    public void ThousandsOfCallsKeepLiveTensorsAndMemoryFlat()
    {
        using var generator = FromTrainer(new PartnerGeneratorOptions { MaxBatchSize = 4 });
        using var face = new SyntheticCoupleDataset(1, 32).GetPair(0);
        var batch = new Image[] { face.A, face.A, face.A, face.A };
        void Calls(int n)
        {
            for (int i = 0; i < n; i++)
            {
                foreach (var partner in generator.Generate(batch))
                {
                    partner.Dispose();
                }
            }
        }

        Calls(200);
        GC.Collect();
        long tensors = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        long rss = System.Diagnostics.Process.GetCurrentProcess().WorkingSet64;
        Calls(1000);
        GC.Collect();
        long growth = System.Diagnostics.Process.GetCurrentProcess().WorkingSet64 - rss;
        Assert.Equal(tensors, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.True(growth < 64L * 1024 * 1024, $"RSS grew by {growth / (1024 * 1024)} MiB over 4,000 generations");
    }

    [Fact]
    public void FileToFileAndStreamAgree()
    {
        using var generator = FromTrainer();
        string input = Path.Combine(Folder, "me.png");
        string output = Path.Combine(Folder, "out", "partner.png");
        using (var pair = new SyntheticCoupleDataset(1, 32).GetPair(0))
        {
            pair.A.SaveAsPng(input);
        }

        generator.Generate(input, output);
        using var fromFile = Image.Load<Rgb24>(output);
        using var stream = File.OpenRead(input);
        using var fromStream = generator.Generate(stream);
        Assert.Equal(Pixels(fromStream), Pixels(fromFile));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(output)!, "*.tmp"));
    }

    [Fact]
    public void LoadsFromACheckpoint()
    {
        string checkpoint = Path.Combine(Folder, "g.ckpt");
        Trainer.SaveCheckpoint(checkpoint);
        using var fromCheckpoint = PartnerGenerator.FromCheckpoint(checkpoint, new PartnerGeneratorOptions { Device = torch.CPU });
        using var inMemory = FromTrainer();
        using var face = new SyntheticCoupleDataset(1, 32).GetPair(0);
        Assert.Equal(32, fromCheckpoint.ImageSize);
        Assert.Equal(Pixels(inMemory.Generate(face.A)), Pixels(fromCheckpoint.Generate(face.A)));
    }

    [Fact]
    public void BadInputsAreTypedExceptionsWithThePath()
    {
        using var generator = FromTrainer();
        string missing = Path.Combine(Folder, "missing.jpg");
        var notFound = Assert.Throws<InvalidImageException>(() => generator.Generate(missing, Path.Combine(Folder, "x.png")));
        Assert.Equal(missing, notFound.Path);

        string corrupt = Path.Combine(Folder, "corrupt.png");
        File.WriteAllBytes(corrupt, new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 0, 0, 0, 13, 1, 2 });
        var broken = Assert.Throws<InvalidImageException>(() => generator.Generate(corrupt, Path.Combine(Folder, "y.png")));
        Assert.Equal(corrupt, broken.Path);

        string text = Path.Combine(Folder, "notes.jpg");
        File.WriteAllText(text, "not an image");
        Assert.Throws<InvalidImageException>(() => generator.Generate(text, Path.Combine(Folder, "z.png")));

        string good = Path.Combine(Folder, "good.png");
        new Image<Rgb24>(8, 8).SaveAsPng(good);
        Assert.Throws<InvalidImageException>(() => generator.Generate(good, Path.Combine(Folder, "out.unknown")));
        Assert.False(File.Exists(Path.Combine(Folder, "x.png")));
    }

    [Fact]
    public void DeclaredDimensionsAboveTheLimitAreRefusedBeforeDecoding()
    {
        using var generator = FromTrainer(new PartnerGeneratorOptions { MaxInputPixels = 100 * 100 });
        string large = Path.Combine(Folder, "large.png");
        new Image<Rgb24>(200, 200).SaveAsPng(large);
        var error = Assert.Throws<InvalidImageException>(() => generator.Generate(large, Path.Combine(Folder, "l.png")));
        Assert.Contains("limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InMemoryUnetConstructorCopiesTheWeights()
    {
        using var unet = new CoupleGen.Models.UnetGenerator(new CoupleGen.Models.UnetGeneratorOptions { Downsamplings = 5, Filters = 8 });
        using var fromUnet = new PartnerGenerator(unet, 32, new PartnerGeneratorOptions { Device = torch.CPU });
        using var face = new SyntheticCoupleDataset(1, 32).GetPair(0);
        using var before = fromUnet.Generate(face.A);
        using (torch.no_grad())
        {
            unet.parameters().First().add_(1.0);
        }

        using var after = fromUnet.Generate(face.A);
        Assert.Equal(Pixels(before), Pixels(after));
        Assert.Throws<ArgumentException>(() => new PartnerGenerator(unet, 48));
    }

    [Fact]
    public void BatchStatisticsModeIsDeterministicAndDiffersFromRunningAverages()
    {
        string checkpoint = Path.Combine(Folder, "stats.ckpt");
        Trainer.Train(new SyntheticCoupleDataset(8, 32), cancellationToken: default);
        Trainer.SaveCheckpoint(checkpoint);
        using var running = PartnerGenerator.FromCheckpoint(checkpoint, new PartnerGeneratorOptions { Device = torch.CPU });
        using var perBatch = PartnerGenerator.FromCheckpoint(checkpoint, new PartnerGeneratorOptions { Device = torch.CPU, UseBatchStatistics = true });
        using var face = new SyntheticCoupleDataset(1, 32, seed: 9).GetPair(0);
        using var first = perBatch.Generate(face.A);
        for (int i = 0; i < 5; i++)
        {
            perBatch.Generate(face.A).Dispose();
        }

        using var again = perBatch.Generate(face.A);
        Assert.Equal(Pixels(first), Pixels(again));
        using var evaluated = running.Generate(face.A);
        Assert.NotEqual(Pixels(first), Pixels(evaluated));
    }

    [Fact]
    public void UsingADisposedGeneratorThrows()
    {
        var generator = FromTrainer();
        generator.Dispose();
        Assert.Throws<ObjectDisposedException>(() => generator.Generate(new Image<Rgb24>(4, 4)));
    }
}

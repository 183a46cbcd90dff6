using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using CoupleGen.Data;
using CoupleGen.Generation;
using CoupleGen.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Xunit;

namespace CoupleGen.Tests.Robustness;

/// <summary>Kills and starves the sample app's training in child processes; the last good checkpoint must survive.</summary>
[Trait("Category", "Integration")]
public class TrainingFaultTests
{
    private static readonly string Demo = Samples.SampleApp.Demo;

    [Fact]
    public void SigkillDuringCheckpointWritesLeavesALoadableResumableCheckpoint()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string data = WriteTinyCouples();
        string output = TestData.NewFolder();
        string checkpoint = Path.Combine(output, "couplegen.ckpt");
        var random = new Random(11);
        for (int round = 0; round < 4; round++)
        {
            using var process = Start($"train --data {data} --out {output} --image-size 64 --filters 4 --steps 100000 --checkpoint-every 1 --hold-out 1" + (File.Exists(checkpoint) ? $" --resume {checkpoint}" : string.Empty));
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(checkpoint) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }

            Assert.True(File.Exists(checkpoint), "no checkpoint was written within a minute");

            // Checkpoints are written after every step, so a kill at a random moment usually lands inside a write.
            Thread.Sleep(random.Next(200, 1500));
            process.Kill();
            process.WaitForExit();

            using var generator = PartnerGenerator.FromCheckpoint(checkpoint, new PartnerGeneratorOptions { Device = TorchSharp.torch.CPU });
            using var resumed = Pix2PixTrainer.Resume(checkpoint, device: TorchSharp.torch.CPU);
            Assert.True(resumed.Step >= 1);
        }
    }

    [Fact]
    public void AFullDiskFailsTheWriteCleanlyAndKeepsTheLastGoodCheckpoint()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string data = WriteTinyCouples();
        string output = TestData.NewFolder();
        string checkpoint = Path.Combine(output, "couplegen.ckpt");
        using (var first = Start($"train --data {data} --out {output} --image-size 64 --filters 4 --steps 2 --hold-out 1"))
        {
            first.WaitForExit();
            Assert.Equal(0, first.ExitCode);
        }

        byte[] good = File.ReadAllBytes(checkpoint);

        // RLIMIT_FSIZE below the checkpoint's size: every write beyond it fails with EFBIG, as on a full disk.
        long limitBlocks = good.Length / 2 / 1024;
        using (var starved = Start($"train --data {data} --out {output} --image-size 64 --filters 4 --steps 4 --hold-out 1 --resume {checkpoint}", fileSizeLimitKb: limitBlocks))
        {
            string error = starved.StandardError.ReadToEnd();
            starved.WaitForExit();
            Assert.NotEqual(0, starved.ExitCode);
            Assert.Contains("error", error, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(good, File.ReadAllBytes(checkpoint));
        Assert.Empty(Directory.GetFiles(output, "*.tmp"));
        using var resumed = Pix2PixTrainer.Resume(checkpoint, device: TorchSharp.torch.CPU);
        Assert.Equal(2, resumed.Step);
    }

    private static Process Start(string arguments, long? fileSizeLimitKb = null)
    {
        string command = $"exec dotnet \"{Demo}\" {arguments}";
        if (fileSizeLimitKb is { } limit)
        {
            command = $"ulimit -f {limit} && {command}";
        }

        // Only the starved run's errors are read; the others must not block on a full pipe.
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardError = fileSizeLimitKb is not null, RedirectStandardOutput = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        return Process.Start(start)!;
    }

    private static string WriteTinyCouples()
    {
        string folder = TestData.NewFolder();
        var synthetic = new SyntheticCoupleDataset(6, 64);
        for (int i = 0; i < 6; i++)
        {
            using var pair = synthetic.GetPair(i);
            using var both = new Image<Rgb24>(128, 64);
            both.Mutate(x => x.DrawImage(pair.A, new Point(0, 0), 1f).DrawImage(pair.B, new Point(64, 0), 1f));
            Directory.CreateDirectory(Path.Combine(folder, $"{i}"));
            both.SaveAsPng(Path.Combine(folder, $"{i}", "1.png"));
        }

        return folder;
    }
}

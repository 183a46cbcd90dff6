using System;
using System.Linq;
using BenchmarkDotNet.Running;
using CoupleGen.Models;
using CoupleGen.Models.Interop;
using CoupleGen.Precision;
using CoupleGen.Weights;

// dotnet run -c Release --project benchmarks/CoupleGen.Benchmarks -- --filter '*'
// --export-pth PATH writes a seeded unet_256 for compare-pytorch.sh, so both sides run the same weights.
if (args.Length == 2 && args[0] == "--export-pth")
{
    TorchSharp.torch.manual_seed(1);
    using var generator = new UnetGenerator();
    Pix2PixWeights.ExportGenerator(generator, args[1]);
    Console.WriteLine($"unet_256 written to {args[1]}");
    return;
}

// --soak N runs N single-image generations with unet_256 and prints live tensors and RSS every 1,000.
if (args.Length == 2 && args[0] == "--soak")
{
    int total = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
    using var model = new UnetGenerator();
    using var partnerGenerator = new CoupleGen.Generation.PartnerGenerator(model, 256, new CoupleGen.Generation.PartnerGeneratorOptions { Device = TorchSharp.torch.CPU });
    using var face = new CoupleGen.Data.SyntheticCoupleDataset(1, 256).GetPair(0);
    var clock = System.Diagnostics.Stopwatch.StartNew();
    for (int i = 1; i <= total; i++)
    {
        partnerGenerator.Generate(face.A).Dispose();
        if (i % 1000 == 0 || i == 1)
        {
            Console.WriteLine($"{i,6} generations  live tensors {TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount,4}  RSS {Environment.WorkingSet / (1024 * 1024),5} MiB  {clock.Elapsed.TotalSeconds / i * 1000:F0} ms/image");
        }
    }

    return;
}

// --write-checkpoint PATH saves a CoupleGen checkpoint of a fresh pix2pix trainer (unet_256), for --peak-rss.
if (args.Length == 2 && args[0] == "--write-checkpoint")
{
    using var trainer = new CoupleGen.Training.Pix2PixTrainer(new CoupleGen.Training.Pix2PixOptions { Device = TorchSharp.torch.CPU });
    trainer.SaveCheckpoint(args[1]);
    Console.WriteLine($"checkpoint written to {args[1]}");
    return;
}

// --peak-rss BATCH PRECISION [CHECKPOINT [MAX-BATCH]] loads a unet_256 from a .pth file the way apps do, runs 20 batches and
// prints RSS (VmRSS) and peak RSS (VmHWM) after each stage.
// With a CHECKPOINT (from --write-checkpoint, run first in its own process) it loads that instead; MAX-BATCH sets
// PartnerGeneratorOptions.MaxBatchSize (default: BATCH), the largest batch one forward pass takes.
if (args.Length is 3 or 4 or 5 && args[0] == "--peak-rss")
{
    int batch = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
    int maxBatch = args.Length == 5 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : batch;
    var precision = Enum.Parse<InferencePrecision>(args[2], ignoreCase: true);
    string weights = args.Length >= 4 ? args[3] : System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"couplegen-peak-rss-{Environment.ProcessId}.pth");
    if (args.Length == 3)
    {
        using (var model = new UnetGenerator())
        {
            Pix2PixWeights.ExportGenerator(model, weights);
        }

        Memory("model exported");
    }

    using var partnerGenerator = CoupleGen.Generation.PartnerGenerator.FromCheckpoint(weights, new CoupleGen.Generation.PartnerGeneratorOptions { Device = TorchSharp.torch.CPU, MaxBatchSize = maxBatch, Precision = precision });
    if (args.Length == 3)
    {
        System.IO.File.Delete(weights);
    }

    Memory("generator ready");
    var dataset = new CoupleGen.Data.SyntheticCoupleDataset(batch, 256);
    var faces = System.Linq.Enumerable.Range(0, batch).Select(i => (SixLabors.ImageSharp.Image)dataset.GetPair(i).A).ToList();
    for (int i = 0; i < 20; i++)
    {
        foreach (var partner in partnerGenerator.Generate(faces))
        {
            partner.Dispose();
        }

        if (i == 0)
        {
            Memory("first batch");
        }
    }

    Memory("20 batches");
    string peak = System.IO.File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("VmHWM", StringComparison.Ordinal));
    Console.WriteLine($"batch {batch} (at most {maxBatch} per forward pass), {precision}: {peak.Replace("\t", " ", StringComparison.Ordinal)}");
    return;
}

// --precision-diff CHECKPOINT DATA compares Bf16 with Fp32 outputs on every pair's input half under DATA (pixel levels).
if (args.Length == 3 && args[0] == "--precision-diff")
{
    var fullOptions = new CoupleGen.Generation.PartnerGeneratorOptions { Device = TorchSharp.torch.CPU, Precision = InferencePrecision.Fp32 };
    using var full = CoupleGen.Generation.PartnerGenerator.FromCheckpoint(args[1], fullOptions);
    using var reduced = CoupleGen.Generation.PartnerGenerator.FromCheckpoint(args[1], fullOptions with { Precision = InferencePrecision.Bf16 });
    var pairs = CoupleGen.Data.PairedImageDataset.FromDirectory(args[2]);
    var differences = new long[256];
    for (int i = 0; i < pairs.Count; i++)
    {
        using var pair = pairs.GetPair(i);
        using var a = full.Generate(pair.B);
        using var b = reduced.Generate(pair.B);
        var pa = new byte[a.Width * a.Height * 3];
        var pb = new byte[pa.Length];
        a.CopyPixelDataTo(pa);
        b.CopyPixelDataTo(pb);
        for (int p = 0; p < pa.Length; p++)
        {
            differences[Math.Abs(pa[p] - pb[p])]++;
        }
    }

    long total = differences.Sum();
    int max = Array.FindLastIndex(differences, c => c > 0);
    double mean = differences.Select((c, d) => (double)c * d).Sum() / total;
    long cumulative = 0;
    int p99 = Array.FindIndex(differences, c => (cumulative += c) >= total * 0.99);
    Console.WriteLine($"{pairs.Count} images at {full.ImageSize}x{full.ImageSize}: Bf16 vs Fp32 max {max} levels, mean {mean:F3}, 99th percentile {p99}, identical {100.0 * differences[0] / total:F1}% of values");
    return;
}

// --face-timing N times N rounds of detection, detection + framing, and the whole GeneratePortrait path and prints
// the minimum and median per call: on a shared machine the minimum is the cost without interference.
if (args.Length == 2 && args[0] == "--face-timing")
{
    CoupleGen.Benchmarks.FaceTiming.Run(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(CoupleGen.Benchmarks.GeneratorBenchmarks).Assembly).Run(args);

static void Memory(string stage)
{
    var status = System.IO.File.ReadAllLines("/proc/self/status");
    string Field(string name) => status.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split(':')[1].Trim();
    Console.WriteLine($"{stage,-16} VmRSS {Field("VmRSS"),12}  VmHWM {Field("VmHWM"),12}  anonymous {Field("RssAnon"),12}  files {Field("RssFile"),12}  managed heap committed {GC.GetGCMemoryInfo().TotalCommittedBytes / 1024,8} kB");
}

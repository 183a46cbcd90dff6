using System;
using BenchmarkDotNet.Running;
using CoupleGen.Models;
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

// --face-timing N times N rounds of detection, detection + framing, and the whole GeneratePortrait path and prints
// the minimum and median per call: on a shared machine the minimum is the cost without interference.
if (args.Length == 2 && args[0] == "--face-timing")
{
    CoupleGen.Benchmarks.FaceTiming.Run(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(CoupleGen.Benchmarks.GeneratorBenchmarks).Assembly).Run(args);

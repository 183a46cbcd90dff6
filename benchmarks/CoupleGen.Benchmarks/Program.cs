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

BenchmarkSwitcher.FromAssembly(typeof(CoupleGen.Benchmarks.GeneratorBenchmarks).Assembly).Run(args);

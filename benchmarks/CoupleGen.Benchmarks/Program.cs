using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/CoupleGen.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

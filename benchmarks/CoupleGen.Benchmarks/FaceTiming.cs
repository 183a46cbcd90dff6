using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace CoupleGen.Benchmarks;

/// <summary>Minimum and median wall time of the <see cref="FaceBenchmarks"/> methods, interleaved so that background load hits all alike.</summary>
internal static class FaceTiming
{
    public static void Run(int rounds)
    {
        foreach (string photo in new[] { "portrait-512", "photo-1920x1280" })
        {
            var benchmarks = new FaceBenchmarks { Photo = photo };
            benchmarks.Setup();
            var actions = new (string Name, Func<int> Call)[]
            {
                ("Detect", benchmarks.Detect),
                ("Align", benchmarks.Align),
                ("DetectAndFrame", benchmarks.DetectAndFrame),
                ("GeneratePortrait (256, unet_256)", benchmarks.GeneratePortrait),
            };
            var times = actions.ToDictionary(a => a.Name, _ => new List<double>());
            for (int round = 0; round < rounds; round++)
            {
                foreach (var (name, call) in actions)
                {
                    var clock = Stopwatch.StartNew();
                    call();
                    times[name].Add(clock.Elapsed.TotalMilliseconds);
                }
            }

            benchmarks.Cleanup();
            foreach (var (name, values) in times)
            {
                values.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{photo,-16} {name,-34} min {values[0],7:F1} ms   median {values[values.Count / 2],7:F1} ms   ({rounds} rounds)"));
            }
        }
    }
}

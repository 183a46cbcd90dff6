using System;
using CoupleGen.Training;

namespace CoupleGen.Demo;

/// <summary>A one-line progress bar on an interactive console; a line per 10% when output is redirected.</summary>
internal sealed class ProgressBar : IProgress<TrainingProgress>
{
    private readonly bool interactive = !Console.IsErrorRedirected;
    private int lastDecile = -1;

    public void Report(TrainingProgress value)
    {
        double fraction = value.TotalSteps == 0 ? 1 : (double)value.Step / value.TotalSteps;
        double remaining = value.StepsPerSecond > 0 ? (value.TotalSteps - value.Step) / value.StepsPerSecond : 0;
        string line = $"step {value.Step}/{value.TotalSteps} epoch {value.Epoch}/{value.TotalEpochs}  L1 {value.Losses.GeneratorL1:F3}  D {value.Losses.Discriminator:F3}  G {value.Losses.GeneratorGan:F3}  {1 / Math.Max(value.StepsPerSecond, 1e-9):F2} s/step  ETA {TimeSpan.FromSeconds(Math.Round(remaining)):c}";
        if (interactive)
        {
            int filled = (int)Math.Round(fraction * 30);
            Console.Error.Write($"\r[{new string('#', filled)}{new string('.', 30 - filled)}] {line}   ");
            if (value.Step == value.TotalSteps)
            {
                Console.Error.WriteLine();
            }

            return;
        }

        int decile = (int)Math.Floor(fraction * 10);
        if (decile != lastDecile)
        {
            lastDecile = decile;
            Console.Error.WriteLine($"{fraction,4:P0} {line}");
        }
    }
}

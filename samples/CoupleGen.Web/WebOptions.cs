using System;

namespace CoupleGen.Web;

/// <summary>The web sample's own settings (section <c>CoupleGen:Web</c>); the model's are the <c>CoupleGen</c> section's.</summary>
public sealed class WebOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "CoupleGen:Web";

    /// <summary>Gets or sets the largest request body, in bytes (larger: 413). Default: 10 MB.</summary>
    public long MaxUploadBytes { get; set; } = 10L << 20;

    /// <summary>Gets or sets how many generations run at once. Default: one per two processor cores.</summary>
    public int Workers { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Gets or sets how many requests may wait for a worker (more: 503 with Retry-After). Default: 8.</summary>
    public int QueueLength { get; set; } = 8;

    /// <summary>Gets or sets the Retry-After of a 503, in seconds. Default: 2.</summary>
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>Gets or sets where the demo model is trained and kept when no checkpoint is configured. Default: <c>demo-model</c> beside the app.</summary>
    public string DemoModelFolder { get; set; } = "demo-model";

    /// <summary>Gets or sets the demo model's training steps. Default: 400 (about a minute on 2 cores).</summary>
    public int DemoSteps { get; set; } = 400;
}

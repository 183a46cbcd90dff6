using System;
using CoupleGen.Generation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

// README's two registration lines in a generic host; the model comes from CoupleGen__Checkpoint.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddPartnerGenerator(builder.Configuration.GetSection("CoupleGen"));
builder.Services.AddHealthChecks().AddPartnerGenerator();
using IHost host = builder.Build();
await host.StartAsync();
HealthReport health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
using (var me = Image.Load<Rgb24>("me.jpg"))
using (Image<Rgb24> partner = host.Services.GetRequiredService<IPartnerGenerator>().Generate(me))
{
    partner.SaveAsPng("partner.png");
}

Console.WriteLine($"health: {health.Status}");
await host.StopAsync();

import { describe, expect, it } from "vitest";
import { kernelLine } from "./FindingsPanel";

describe("kernelLine", () => {
  it("gives a bare message the start of the kernel's report", () => {
    expect(
      kernelLine({ code: "slab-lost", message: "P2 is lost", form: "detail" }),
    ).toBe("BUG: slab lost: P2 is lost");
  });

  it("reads the form, not the text: a detail that starts like a report still gets its header", () => {
    expect(
      kernelLine({ code: "slab-lost", message: "BUG P2", form: "detail" }),
    ).toBe("BUG: slab lost: BUG P2");
  });

  it("keeps a kernel report as it is", () => {
    const message = "BUG: KASAN: use-after-free in put_cpu_partial: x";
    expect(kernelLine({ code: "uaf-slab", message, form: "log" })).toBe(
      message,
    );
  });

  it("never dresses up a report the kernel would not give as a kernel BUG", () => {
    const message =
      "slabscope: read page->next (in ___slab_alloc) touches a struct page field of P1, which is back in the page allocator (no kernel report: KASAN does not check struct page; a read gets garbage)";
    expect(kernelLine({ code: "uaf-slab", message, form: "model" })).toBe(
      message,
    );
    const df =
      "slabscope: kmem_cache_free frees object P0#1, which is already free (no kernel report without KASAN: the object goes on a freelist a second time)";
    expect(
      kernelLine({ code: "double-free", message: df, form: "model" }),
    ).toBe(df);
  });
});

import { expect } from "chai";
import { parseVariantSelection, selectVariants, variantsForFile } from "../../../src/cli/run/variants.ts";

describe("variant selection by file name (run_all.py)", () => {
  it("runs *v4.pkt as ipv4 and ipv4-mapped-ipv6", () => {
    expect(variantsForFile("gtests/net/tcp/fastopen/server/basic-v4.pkt")).to.deep.equal(["ipv4", "ipv4-mapped-ipv6"]);
  });
  it("runs *v6.pkt as ipv6 only", () => {
    expect(variantsForFile("dir/icmp-v6.pkt")).to.deep.equal(["ipv6"]);
    expect(variantsForFile("dir/mtu_probev6.pkt")).to.deep.equal(["ipv6"]);
  });
  it("runs any other script as all three", () => {
    expect(variantsForFile("dir/basic.pkt")).to.deep.equal(["ipv4", "ipv4-mapped-ipv6", "ipv6"]);
    expect(variantsForFile("dir/v4-first.pkt")).to.deep.equal(["ipv4", "ipv4-mapped-ipv6", "ipv6"]);
  });
  it("narrows by --ip-version and never adds a variant the name excludes", () => {
    expect(selectVariants("a-v4.pkt", ["ipv6"])).to.deep.equal([]);
    expect(selectVariants("a-v4.pkt", ["ipv4-mapped-ipv6", "ipv6"])).to.deep.equal(["ipv4-mapped-ipv6"]);
    expect(selectVariants("a.pkt", ["ipv6", "ipv4"])).to.deep.equal(["ipv4", "ipv6"]);
  });
  it("parses --ip-version values", () => {
    expect(parseVariantSelection("all")).to.deep.equal(["ipv4", "ipv4-mapped-ipv6", "ipv6"]);
    expect(parseVariantSelection("ipv6,ipv4")).to.deep.equal(["ipv4", "ipv6"]);
    expect(parseVariantSelection("ipv5")).to.equal(null);
    expect(parseVariantSelection("")).to.equal(null);
  });
});

/** Names for the addresses the app knows, short forms for the rest, and dates in the reader's locale. */
import { expect } from "chai";
import { formatDate } from "../src/format.js";
import { knownNames, nameOf, shortAddress, shortCommitment, withNames } from "../src/names.js";
import { ZONE, address, webConfig } from "./web-fixture.js";

describe("names and dates", function () {
  const config = webConfig({
    services: address(0x5e),
    goods: address(0x60),
    trade: address(0x7d),
    stablecoin: address(0xc0),
  });

  it("names the config's zones and economy modules, whatever the address's case", function () {
    expect(knownNames(config)).to.deep.equal({
      [ZONE.toLowerCase()]: "Riverside",
      [address(0x5e).toLowerCase()]: "the services registry",
      [address(0x60).toLowerCase()]: "the goods registry",
      [address(0x7d).toLowerCase()]: "the trade desk",
      [address(0xc0).toLowerCase()]: "USDz",
    });
    expect(nameOf(config, ZONE.toUpperCase().replace("0X", "0x"))).to.equal("Riverside");
    expect(nameOf(config, address(0xbeef))).to.equal(undefined);
  });

  it("puts names in a sentence's known addresses, and leaves unknown ones whole", function () {
    const payee = address(0xbeef);
    expect(
      withNames(
        `call setReserve on ${address(0x60)}, pay 1 ETH to ${payee} from ${ZONE}`,
        knownNames(config),
      ),
    ).to.equal(`call setReserve on the goods registry, pay 1 ETH to ${payee} from Riverside`);
  });

  it("shortens an address to 0x1234…abcd and a commitment to 1234…5678, and leaves other text alone", function () {
    expect(shortAddress("0x1234567890abcdef1234567890abcdef1234abcd")).to.equal("0x1234…abcd");
    expect(shortAddress("not an address")).to.equal("not an address");
    expect(shortCommitment("12345678901234567890")).to.equal("1234…7890");
    expect(shortCommitment("42")).to.equal("42");
  });

  it("writes a chain timestamp (seconds) in the locale asked for", function () {
    const when = Date.UTC(2026, 11, 6, 9, 30) / 1000;
    const utc = { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" } as const;
    expect(formatDate(when, utc, "en-GB")).to.equal("6 Dec 2026, 09:30");
    expect(formatDate(when, utc, "de-DE")).to.equal("06.12.2026, 09:30");
    expect(formatDate(new Date(when * 1000), utc, "en-GB")).to.equal(formatDate(when, utc, "en-GB"));
  });
});

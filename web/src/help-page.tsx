/** #/help: how ZoneDAO works, in plain words, for someone who has never used it. */
export function HelpPage() {
  return (
    <>
      <h1>How ZoneDAO works</h1>
      <section aria-labelledby="help-zones">
        <h2 id="help-zones">Zones and citizens</h2>
        <p>
          A zone is a community that decides together: how its shared money is spent, which public services
          run, what it trades, and its own rules. Its citizens are the people its registrar has admitted.
          Every citizen has one vote on each proposal.
        </p>
      </section>
      <section aria-labelledby="help-identity">
        <h2 id="help-identity">Your anonymous identity</h2>
        <p>
          To take part you make an identity in this browser, protected by a passphrase. You give its public
          number (the commitment) to your zone's registrar, who adds it to the list of citizens. When you
          vote, the app proves that you are on that list without saying which entry is yours: nobody, not the
          registrar nor the people who carry your vote, can tell how you voted. The same proof also makes sure
          you vote only once.
        </p>
        <p>
          Keep a backup of your identity (on <a href="#/identity">Your identity</a>): without it, a lost
          browser means a lost vote.
        </p>
      </section>
      <section aria-labelledby="help-proposals">
        <h2 id="help-proposals">Proposals</h2>
        <p>
          Any citizen can propose something: a payment, a new service, a change of rules, and so on. A
          proposal is either For / Against / Abstain, or a choice between several options. Only people who
          were citizens when a proposal was made can vote on it, during its voting period.
        </p>
      </section>
      <section aria-labelledby="help-voting">
        <h2 id="help-voting">Voting</h2>
        <p>
          You don't pay anything to vote. Your browser prepares your vote, and a relayer, a service run for
          the zone, delivers it to the zone's public record. A relayer can refuse or delay a vote but cannot
          change it; if one refuses, the app tries the next one.
        </p>
      </section>
      <section aria-labelledby="help-after">
        <h2 id="help-after">After the vote</h2>
        <p>
          When voting closes, a proposal passes if enough citizens voted (the quorum) and its winning choice
          has enough support. A passed proposal waits a short while and is then carried out exactly as
          written: nobody can change what it does.
        </p>
      </section>
      <section aria-labelledby="help-audit">
        <h2 id="help-audit">Checking the count</h2>
        <p>
          Every vote and its proof are public. On each zone's page, "Audit the zone's tallies" lets anyone
          recount every proposal from the public record, in the browser, without trusting any relayer.
        </p>
      </section>
    </>
  );
}

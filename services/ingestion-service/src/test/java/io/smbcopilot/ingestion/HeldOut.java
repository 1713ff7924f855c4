package io.smbcopilot.ingestion;

import java.util.List;

/**
 * A held-out question set for passage ranking: documents a small business keeps (a supply contract,
 * a staff handbook, a lease, an equipment manual, a food-safety plan), written with many
 * neighbouring clauses that look alike, and questions phrased the way people ask them, not the way
 * the documents say it. Each question names the one passage that answers it by a snippet of its
 * text. Nothing here is used to tune the code: the set measures it (passage-level recall@1 and MRR,
 * printed by the index benchmark).
 */
public final class HeldOut {
  /** A document, as Markdown (its headings are its structure). */
  public record Doc(String file, String markdown) {}

  /** A question and a snippet of the passage that answers it. */
  public record Question(String text, String file, String snippet) {}

  private HeldOut() {}

  public static final List<Doc> DOCS =
      List.of(
          new Doc(
              "supply-agreement.md",
              """
              # Supply Agreement between Calloway Bakery and Grainworks Ltd.

              ## 1. Parties and term

              This agreement is made between Calloway Bakery of 4 Mill Lane and Grainworks Ltd.,
              miller and grain merchant. It runs for two years from the first of March and renews
              for one more year unless either party objects in writing.

              ## 2. Goods

              Grainworks supplies type 550 wheat flour, wholemeal flour, rye flour and spelt in
              25 kg paper sacks. Organic flour is supplied only when the order names it.

              ## 3. Delivery

              ### 3.1 Schedule

              Grainworks delivers every Tuesday and Friday before seven in the morning to the back
              door of the bakery. A delivery outside these days costs a surcharge of 40 euros.

              ### 3.2 Damaged goods

              Sacks that arrive torn, wet or infested are refused at the door or reported within
              48 hours, and are replaced at the supplier's cost with the next delivery.

              ### 3.3 Short deliveries

              When fewer sacks arrive than were ordered, the missing sacks are delivered within two
              working days and the delivery note is corrected.

              ## 4. Prices

              Prices are fixed for six months at a time. Grainworks announces a new price list at
              least thirty days before it applies; the bakery may end the agreement if flour
              prices rise by more than eight percent.

              ## 5. Payment

              Invoices are paid within thirty days of delivery. Late payment carries interest of
              one percent a month. The bakery earns a two percent discount when it pays within ten
              days.

              ## 6. Quality

              Every batch comes with a certificate of analysis stating moisture, protein and ash
              content. Flour with more than fifteen percent moisture may be returned.

              ## 7. Liability

              Neither party is liable for losses caused by floods, strikes or other events beyond
              its control. Grainworks' liability for a faulty delivery is limited to the value of
              that delivery.

              ## 8. Termination

              Either party may end the agreement with three months' notice in writing. A serious
              breach that is not remedied within fourteen days allows immediate termination.

              ## 9. Confidentiality

              Recipes, prices and customer lists that one party learns from the other stay
              confidential during the agreement and for three years after it ends.
              """),
          new Doc(
              "staff-handbook.md",
              """
              # Staff handbook

              ## Working hours

              The early shift starts at four in the morning and ends at noon. The late shift runs
              from noon until eight in the evening. Shifts are posted on the board by Thursday for
              the following week.

              ## Overtime

              Hours beyond forty a week are paid at one and a half times the hourly rate, or taken
              as time off within the next month, as the employee prefers.

              ## Holidays

              Full-time staff have twenty-five days of paid holiday a year. Holiday requests for
              December are made before the end of October, because December is the busiest month.

              ## Sick leave

              Call the shift manager before your shift starts if you are ill. From the fourth day
              of illness a doctor's note is needed.

              ## Uniforms

              The bakery provides three white jackets and two aprons and launders them every week.
              Non-slip shoes are the employee's own, and the bakery pays 60 euros a year towards
              them.

              ## Hygiene

              Wash your hands when you enter the bakery, after every break and after handling raw
              eggs. Rings and watches are not worn in the production area.

              ## Breaks

              A shift of six hours or more includes a thirty-minute break, taken when the ovens are
              loaded and nothing needs watching.

              ## Training

              New bakers spend their first two weeks with a mentor. Every employee attends the
              fire-safety training once a year.
              """),
          new Doc(
              "shop-lease.md",
              """
              # Lease of the shop at 4 Mill Lane

              ## Rent

              The monthly rent is 2,150 euros, due on the third working day of each month, paid by
              bank transfer to the landlord's account.

              ## Deposit

              The tenant paid a deposit of three months' rent, returned within sixty days after the
              keys are handed back, less the cost of repairing any damage.

              ## Rent review

              The rent follows the consumer price index and is reviewed once a year in January.

              ## Repairs

              The landlord repairs the roof, the outer walls and the heating. The tenant repairs
              the shop fittings, the ovens and everything the tenant installed.

              ## Use of the premises

              The shop is used as a bakery and café. Seating on the pavement needs the town's
              permit, which the tenant obtains.

              ## Insurance

              The tenant insures the contents and the glass of the shop window; the landlord
              insures the building.

              ## Ending the lease

              The lease ends on the last day of a quarter, with six months' notice given by
              registered letter.
              """),
          new Doc(
              "oven-manual.md",
              """
              # Marigold deck oven: operating manual

              ## Start-up

              Switch on the main isolator, then the control panel. The oven needs forty minutes to
              reach 230 degrees from cold.

              ## Steam

              Press the steam button for three seconds after loading bread. Do not use steam for
              pastries or biscuits.

              ## Cleaning

              Brush the stone decks every evening once they are below fifty degrees. Never use
              water on a hot stone: it cracks.

              ## Descaling

              Descale the steam generator every six weeks with the citric acid tablets in the
              store room. Hard water needs descaling every four weeks.

              ## Faults

              Error E4 means the door seal is worn; E7 means the steam generator is empty. For any
              other code, call the service line on 0800 555 0199.

              ## Maintenance

              A technician services the oven twice a year, in April and October. The service
              contract covers parts but not the door glass.
              """),
          new Doc(
              "food-safety-plan.md",
              """
              # Food-safety plan

              ## Receiving goods

              Chilled goods are checked with the probe thermometer on arrival and refused above
              eight degrees. Frozen goods are refused when they show signs of thawing.

              ## Storage

              Butter, cream and eggs are kept in the walk-in cooler between two and five degrees.
              Flour is stored off the floor on pallets, with the oldest sacks used first.

              ## Allergens

              Every product label lists the fourteen major allergens. Nut products are made on
              Mondays only, and the mixer is cleaned afterwards.

              ## Cooling

              Custard and cream fillings are cooled to below eight degrees within ninety minutes
              and used within two days.

              ## Cleaning records

              The closing baker signs the cleaning sheet every night. The sheets are kept for one
              year for the food inspector.

              ## Pest control

              A pest-control company inspects the bakery every month and resets the traps; any
              sighting is reported to the manager the same day.
              """));

  public static final List<Question> QUESTIONS =
      List.of(
          new Question(
              "Which days does the flour get delivered?",
              "supply-agreement.md",
              "every Tuesday and Friday"),
          new Question(
              "What happens if a sack of flour is ripped when it arrives?",
              "supply-agreement.md",
              "Sacks that arrive torn"),
          new Question(
              "They brought fewer bags than we ordered, what now?",
              "supply-agreement.md",
              "missing sacks are delivered"),
          new Question(
              "How much notice do we get before the miller raises prices?",
              "supply-agreement.md",
              "at least thirty days before it applies"),
          new Question(
              "Is there a discount for paying the flour bill early?",
              "supply-agreement.md",
              "two percent discount"),
          new Question(
              "How long do we have to pay Grainworks?",
              "supply-agreement.md",
              "paid within thirty days of delivery"),
          new Question(
              "Can we send back flour that is too damp?",
              "supply-agreement.md",
              "more than fifteen percent moisture"),
          new Question(
              "How do we cancel the flour contract?",
              "supply-agreement.md",
              "three months' notice in writing"),
          new Question(
              "Who pays if a flood stops the supplier?",
              "supply-agreement.md",
              "beyond its control"),
          new Question(
              "How long must we keep the supplier's prices secret?",
              "supply-agreement.md",
              "three years after it ends"),
          new Question(
              "Does the contract renew by itself?",
              "supply-agreement.md",
              "renews for one more year"),
          new Question(
              "What does an extra delivery on a Wednesday cost?",
              "supply-agreement.md",
              "surcharge of 40 euros"),
          new Question(
              "When does the morning shift begin?",
              "staff-handbook.md",
              "early shift starts at four"),
          new Question(
              "How is extra time worked paid?", "staff-handbook.md", "one and a half times"),
          new Question(
              "How many vacation days do full-timers get?",
              "staff-handbook.md",
              "twenty-five days of paid holiday"),
          new Question(
              "When do I need a note from the doctor?",
              "staff-handbook.md",
              "fourth day of illness"),
          new Question(
              "Who pays for work shoes?", "staff-handbook.md", "pays 60 euros a year towards"),
          new Question(
              "Can I wear my wedding ring while baking?",
              "staff-handbook.md",
              "Rings and watches are not worn"),
          new Question(
              "How long is the lunch break on a long shift?",
              "staff-handbook.md",
              "thirty-minute break"),
          new Question(
              "When do I have to ask for time off around Christmas?",
              "staff-handbook.md",
              "before the end of October"),
          new Question(
              "How often is the fire drill training?",
              "staff-handbook.md",
              "fire-safety training once a year"),
          new Question(
              "When is the rent for the shop due?",
              "shop-lease.md",
              "third working day of each month"),
          new Question(
              "When do we get the deposit back after moving out?",
              "shop-lease.md",
              "returned within sixty days"),
          new Question("Who fixes a leaking roof?", "shop-lease.md", "landlord repairs the roof"),
          new Question(
              "Do we need permission to put tables outside?",
              "shop-lease.md",
              "Seating on the pavement"),
          new Question("Who insures the shop window?", "shop-lease.md", "glass of the shop window"),
          new Question(
              "How much notice to leave the shop premises?",
              "shop-lease.md",
              "six months' notice given by registered letter"),
          new Question(
              "How does the rent go up each year?", "shop-lease.md", "consumer price index"),
          new Question(
              "How long does the oven take to heat up?",
              "oven-manual.md",
              "forty minutes to reach 230 degrees"),
          new Question(
              "Should I use steam when baking croissants?",
              "oven-manual.md",
              "Do not use steam for pastries"),
          new Question(
              "How often does the steam generator need descaling?",
              "oven-manual.md",
              "every six weeks"),
          new Question("The oven shows E7, what is wrong?", "oven-manual.md", "E7 means the steam"),
          new Question(
              "Can I wash the oven stones with water?",
              "oven-manual.md",
              "Never use water on a hot stone"),
          new Question(
              "When does the technician come to service the oven?",
              "oven-manual.md",
              "twice a year, in April and October"),
          new Question(
              "What temperature is too warm for chilled deliveries?",
              "food-safety-plan.md",
              "refused above eight degrees"),
          new Question("Where do we keep the butter?", "food-safety-plan.md", "walk-in cooler"),
          new Question(
              "Which day are products with nuts made?",
              "food-safety-plan.md",
              "Nut products are made on Mondays"),
          new Question(
              "How fast must custard filling be cooled?",
              "food-safety-plan.md",
              "within ninety minutes"),
          new Question(
              "How long are the cleaning sheets kept?", "food-safety-plan.md", "kept for one year"),
          new Question(
              "How often does the exterminator come?",
              "food-safety-plan.md",
              "inspects the bakery every month"));
}

/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

/** Short documents on unrelated topics, written for these tests, so that each question has one clearly right answer. */
final class Texts {

    private Texts() {}

    static final String VOLCANO = "Volcanoes form where molten rock, called magma, rises from deep inside the Earth. "
        + "Magma collects in chambers a few kilometres below the surface. As the pressure of dissolved gases such as "
        + "water vapour and carbon dioxide builds up, the magma forces its way upward through cracks in the crust. "
        + "When it finally breaks through, an eruption can be gentle, with rivers of lava flowing down the slopes, or "
        + "explosive, throwing ash and pumice high into the sky.\n\n"
        + "Shield volcanoes like those of Hawaii have runny basaltic lava and broad, gently sloping sides. "
        + "Stratovolcanoes such as Mount Fuji are steep cones built from alternating layers of ash and sticky lava. "
        + "Volcanologists watch for warning signs before an eruption: swarms of small earthquakes, swelling of the "
        + "ground measured from satellites, and changes in the gases escaping from vents.\n\n"
        + "Pyroclastic flows, fast avalanches of hot gas and rock, are the deadliest volcanic hazard, while volcanic ash "
        + "can ground aircraft across an entire continent. Over geological time, eruptions have also built new islands, "
        + "enriched soils and released the gases that formed the early atmosphere.";

    static final String BREAD = "Sourdough bread is leavened by a starter, a living culture of wild yeast and lactic acid "
        + "bacteria kept in a mixture of flour and water. The baker feeds the starter every day so that it stays active "
        + "and bubbly. To make a loaf, a spoonful of starter is mixed with more flour, water and salt, and the dough rests "
        + "for several hours while the yeast produces carbon dioxide and the bacteria add a gentle sour taste. Folding "
        + "the dough during this first rise strengthens its gluten. After shaping, the loaf proofs overnight in the "
        + "refrigerator and is baked in a very hot covered pot, which traps steam and gives the crust its crackling finish.";

    static final String CHESS = "In chess, the opening is the first phase of the game, when both players develop their "
        + "knights and bishops, fight for the centre of the board and bring the king to safety by castling. Popular "
        + "openings include the Sicilian Defence, in which Black answers the king's pawn with the c-pawn, and the "
        + "Queen's Gambit, where White offers a pawn to gain control of the centre. Grandmasters memorise long sequences "
        + "of opening moves, but understanding the ideas behind them matters more than memory.";

    static final String WHALES = "Humpback whales migrate thousands of kilometres every year between cold polar feeding "
        + "grounds and warm tropical waters where they give birth. During the summer they eat enormous amounts of krill "
        + "and small fish, building up a thick layer of blubber that sustains them through the long journey. Males sing "
        + "complex songs that can last for hours and change gradually from one season to the next. Scientists recognise "
        + "individual whales by the black and white patterns on the underside of their tail flukes.";

    /** Non-ASCII: accents (2 UTF-8 bytes), kanji (3 bytes), an emoji (2 UTF-16 units, 4 bytes). */
    static final String DESSERT = "  Crème brûlée is a French dessert of rich custard under a thin layer of hard caramel. "
        + "The custard is flavoured with vanilla, baked gently in a water bath, chilled, and then sprinkled with sugar that "
        + "is melted under a hot grill or with a small torch until it turns amber and cracks like glass 🍮 when tapped "
        + "with a spoon. In Tōkyō (東京) pâtisseries sell versions flavoured with matcha or roasted hōjicha tea.  ";

    static final String CAFE = "Im Café an der Ecke gibt es Käsekuchen, Apfelstrudel und heiße Schokolade. 🍵 Le garçon "
        + "apporte un thé vert 抹茶 et des crêpes au beurre salé. Ça coûte 12 € — très raisonnable! 😀 Danach spazieren "
        + "wir über die Brücke zum Museum für Völkerkunde, wo eine Ausstellung über japanische Teezeremonien läuft.";

    static final String KNITTING = "Knitting turns a single strand of wool into fabric with two needles, one row of loops at a time.";
}
